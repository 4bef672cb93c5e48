package io.embedmerge.positioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.embedmerge.tensor.Scalars;

/**
 * CoSENT, a similarity-score objective: with c_k the cosine of pair k and s_k its gold score,
 * L = log(1 + Σ_{s_i > s_j} exp(scale·(c_j − c_i))): every pair scored higher must have the higher cosine.
 */
public final class CoSentLoss {

    private CoSentLoss() {}

    public static NDArray of(NDArray first, NDArray second, double[] scores, double scale) {
        NDManager manager = first.getManager();
        NDArray a = first.div(Scalars.atLeast(first.norm(new int[] {1}, true), 1e-12));
        NDArray b = second.div(Scalars.atLeast(second.norm(new int[] {1}, true), 1e-12));
        NDArray cosine = a.mul(b).sum(new int[] {1});
        int n = scores.length;
        // [i][j] = scale·(c_j − c_i), kept where s_i > s_j, else pushed to -∞ so exp() drops it
        NDArray difference = Scalars.times(cosine.expandDims(0).sub(cosine.expandDims(1)), scale);
        float[] penalty = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                penalty[i * n + j] = scores[i] > scores[j] ? 0f : -1e12f;
            }
        }
        NDArray masked =
                difference.add(manager.create(penalty, new Shape(n, n)).toType(difference.getDataType(), false));
        NDArray terms = manager.zeros(new Shape(1), difference.getDataType()).concat(masked.flatten(), 0);
        NDArray max = terms.max().stopGradient();
        return terms.sub(max).exp().sum().log().add(max);
    }
}
