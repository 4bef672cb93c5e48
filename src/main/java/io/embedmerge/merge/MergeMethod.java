package io.embedmerge.merge;

import java.util.List;

/** A merge method: its public description and how it combines task vectors. */
public sealed interface MergeMethod permits LinearMerge {

    MethodDescriptor descriptor();

    default String name() {
        return descriptor().name();
    }

    /**
     * Checks the method-specific constraints that involve the per-model weights, and returns the merger.
     *
     * @param weights per-model weights w_i in request order
     */
    ElementwiseMerger prepare(MethodParams params, List<Double> weights);
}
