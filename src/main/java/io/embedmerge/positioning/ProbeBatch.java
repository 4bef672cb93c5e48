package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.embedmerge.model.BertEncoder;
import java.util.List;

/**
 * A batch of (query, positive) pairs as token ids, token types and attention masks, each [batch, length], the
 * batch's given negatives (all pairs' negatives together; null when there are none), and the pairs' gold scores
 * (null unless every pair has one; CoSENT needs them).
 */
public record ProbeBatch(
        NDArray queryIds,
        NDArray queryTypes,
        NDArray queryMask,
        NDArray positiveIds,
        NDArray positiveTypes,
        NDArray positiveMask,
        NDArray negativeIds,
        NDArray negativeTypes,
        NDArray negativeMask,
        double[] scores) {

    public ProbeBatch(
            NDArray queryIds,
            NDArray queryTypes,
            NDArray queryMask,
            NDArray positiveIds,
            NDArray positiveTypes,
            NDArray positiveMask) {
        this(queryIds, queryTypes, queryMask, positiveIds, positiveTypes, positiveMask, null, null, null, null);
    }

    public ProbeBatch(
            NDArray queryIds,
            NDArray queryTypes,
            NDArray queryMask,
            NDArray positiveIds,
            NDArray positiveTypes,
            NDArray positiveMask,
            NDArray negativeIds,
            NDArray negativeTypes,
            NDArray negativeMask) {
        this(
                queryIds,
                queryTypes,
                queryMask,
                positiveIds,
                positiveTypes,
                positiveMask,
                negativeIds,
                negativeTypes,
                negativeMask,
                null);
    }

    public static ProbeBatch of(BertEncoder encoder, List<TextPair> pairs, NDManager scope) {
        NDArray[] q = encoder.tokenize(pairs.stream().map(TextPair::query).toList(), scope);
        NDArray[] p = encoder.tokenize(pairs.stream().map(TextPair::positive).toList(), scope);
        double[] scores = pairs.stream().allMatch(pair -> pair.score() != null)
                ? pairs.stream().mapToDouble(TextPair::score).toArray()
                : null;
        List<String> negatives =
                pairs.stream().flatMap(pair -> pair.negatives().stream()).toList();
        if (negatives.isEmpty()) {
            return new ProbeBatch(q[0], q[1], q[2], p[0], p[1], p[2], null, null, null, scores);
        }
        NDArray[] n = encoder.tokenize(negatives, scope);
        return new ProbeBatch(q[0], q[1], q[2], p[0], p[1], p[2], n[0], n[1], n[2], scores);
    }

    /**
     * The same batch with its arrays copied into {@code scope}: a forward pass attaches its intermediate arrays to
     * the manager of the token ids, so a batch kept for many passes is run from a copy in a short-lived scope.
     */
    public ProbeBatch copyTo(NDManager scope) {
        return new ProbeBatch(
                copy(queryIds, scope),
                copy(queryTypes, scope),
                copy(queryMask, scope),
                copy(positiveIds, scope),
                copy(positiveTypes, scope),
                copy(positiveMask, scope),
                copy(negativeIds, scope),
                copy(negativeTypes, scope),
                copy(negativeMask, scope),
                scores);
    }

    private static NDArray copy(NDArray array, NDManager scope) {
        if (array == null) {
            return null;
        }
        NDArray copy = array.duplicate();
        copy.attach(scope);
        return copy;
    }

    /** InfoNCE of the encoder's embeddings of this batch (merge-methods.md, "Contrastive loss"). */
    public NDArray contrastiveLoss(BertEncoder encoder, double temperature) {
        NDArray q = encoder.embed(queryIds, queryTypes, queryMask);
        NDArray p = encoder.embed(positiveIds, positiveTypes, positiveMask);
        NDArray n = negativeIds == null ? null : encoder.embed(negativeIds, negativeTypes, negativeMask);
        return ContrastiveLoss.of(q, p, n, temperature);
    }

    /** The objective's loss of this batch: InfoNCE at temperature τ, or CoSENT at scale 1/τ on the gold scores. */
    public NDArray loss(BertEncoder encoder, ContrastiveTrainer.Objective objective, double temperature) {
        if (objective == ContrastiveTrainer.Objective.INFONCE) {
            return contrastiveLoss(encoder, temperature);
        }
        if (scores == null) {
            throw new IllegalArgumentException(
                    "CoSENT needs scored pairs (STS data); this batch has pairs without a score");
        }
        return CoSentLoss.of(
                encoder.embed(queryIds, queryTypes, queryMask),
                encoder.embed(positiveIds, positiveTypes, positiveMask),
                scores,
                1 / temperature);
    }
}
