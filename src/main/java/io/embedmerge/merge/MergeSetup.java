package io.embedmerge.merge;

import java.util.List;

/**
 * Everything a method needs to plan a merge.
 *
 * @param modelParams per-model parameters ({@code models[i].params}, only those given), in request order
 * @param weights per-model weights w_i (a_i for slerp) in request order
 * @param seed    seed of the random streams of sampling methods (dare)
 * @param precomputed statistics computed with the encoder before the merge (data-aware methods), else null
 */
public record MergeSetup(
        MethodParams params,
        List<MethodParams> modelParams,
        List<Double> weights,
        long seed,
        InputScan inputs,
        Precomputed precomputed) {

    public MergeSetup {
        modelParams = List.copyOf(modelParams);
        weights = List.copyOf(weights);
    }

    public int modelCount() {
        return weights.size();
    }
}
