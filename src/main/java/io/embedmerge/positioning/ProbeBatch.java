package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.embedmerge.model.BertEncoder;

import java.util.List;

/**
 * A batch of (query, positive) pairs as token ids, token types and attention masks, each [batch, length], and the
 * batch's given negatives (all pairs' negatives together; null when there are none).
 */
public record ProbeBatch(NDArray queryIds, NDArray queryTypes, NDArray queryMask,
                         NDArray positiveIds, NDArray positiveTypes, NDArray positiveMask,
                         NDArray negativeIds, NDArray negativeTypes, NDArray negativeMask) {

    public ProbeBatch(NDArray queryIds, NDArray queryTypes, NDArray queryMask,
                      NDArray positiveIds, NDArray positiveTypes, NDArray positiveMask) {
        this(queryIds, queryTypes, queryMask, positiveIds, positiveTypes, positiveMask, null, null, null);
    }

    public static ProbeBatch of(BertEncoder encoder, List<TextPair> pairs, NDManager scope) {
        NDArray[] q = encoder.tokenize(pairs.stream().map(TextPair::query).toList(), scope);
        NDArray[] p = encoder.tokenize(pairs.stream().map(TextPair::positive).toList(), scope);
        List<String> negatives = pairs.stream().flatMap(pair -> pair.negatives().stream()).toList();
        if (negatives.isEmpty()) {
            return new ProbeBatch(q[0], q[1], q[2], p[0], p[1], p[2]);
        }
        NDArray[] n = encoder.tokenize(negatives, scope);
        return new ProbeBatch(q[0], q[1], q[2], p[0], p[1], p[2], n[0], n[1], n[2]);
    }

    /** InfoNCE of the encoder's embeddings of this batch (merge-methods.md, "Contrastive loss"). */
    public NDArray contrastiveLoss(BertEncoder encoder, double temperature) {
        NDArray q = encoder.embed(queryIds, queryTypes, queryMask);
        NDArray p = encoder.embed(positiveIds, positiveTypes, positiveMask);
        NDArray n = negativeIds == null ? null : encoder.embed(negativeIds, negativeTypes, negativeMask);
        return ContrastiveLoss.of(q, p, n, temperature);
    }
}
