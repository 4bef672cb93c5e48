package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.tensor.Scalars;

/**
 * InfoNCE as in merge-methods.md: embeddings L2-normalised, logits = cos / τ of each query against every in-batch
 * positive and every given negative, cross-entropy towards its own positive, averaged over the batch.
 */
public final class ContrastiveLoss {

    private ContrastiveLoss() {}

    public static NDArray of(NDArray queries, NDArray positives, double temperature) {
        return of(queries, positives, null, temperature);
    }

    /** @param negatives [m, d] embeddings of the batch's given negatives, or null */
    public static NDArray of(NDArray queries, NDArray positives, NDArray negatives, double temperature) {
        NDArray q = normalize(queries);
        NDArray candidates =
                normalize(negatives == null ? positives : NDArrays.concat(new NDList(positives, negatives), 0));
        int batch = (int) q.getShape().get(0);
        int columns = (int) candidates.getShape().get(0);
        NDArray logits = Scalars.dividedBy(q.matMul(candidates.transpose()), temperature);
        NDArray own = q.getManager().eye(batch).toType(logits.getDataType(), false);
        if (columns > batch) {
            // PyTorch's engine has no rectangular eye: the negatives' columns are never the target
            own = own.concat(q.getManager().zeros(new Shape(batch, columns - batch), logits.getDataType()), 1);
        }
        return logits.logSoftmax(1).mul(own).sum(new int[] {1}).mean().neg();
    }

    private static NDArray normalize(NDArray x) {
        return x.div(Scalars.atLeast(x.norm(new int[] {1}, true), 1e-12));
    }
}
