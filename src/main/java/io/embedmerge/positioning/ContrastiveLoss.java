package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;

/**
 * InfoNCE as in merge-methods.md: embeddings L2-normalised, logits = cos / τ of each query against every in-batch
 * positive, cross-entropy towards its own positive, averaged over the batch.
 */
public final class ContrastiveLoss {

    private ContrastiveLoss() {
    }

    public static NDArray of(NDArray queries, NDArray positives, double temperature) {
        NDArray q = normalize(queries);
        NDArray p = normalize(positives);
        long batch = q.getShape().get(0);
        NDArray logits = q.matMul(p.transpose()).div(temperature);
        NDArray own = q.getManager().eye((int) batch).toType(logits.getDataType(), false);
        return logits.logSoftmax(1).mul(own).sum(new int[]{1}).mean().neg();
    }

    private static NDArray normalize(NDArray x) {
        return x.div(x.norm(new int[]{1}, true).maximum(1e-12));
    }
}
