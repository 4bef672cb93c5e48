package io.embedmerge.merge;

import java.util.List;

/** A merge method: its public description, its request-time checks and how it plans a merge. */
public sealed interface MergeMethod permits LinearMerge, SlerpMerge, TiesMerge, DareMerge, SelfPositioningMerge, FisherMerge, RegMeanMerge {

    MethodDescriptor descriptor();

    default String name() {
        return descriptor().name();
    }

    /** Whether the method runs the encoder on probe data before the write pass (it then belongs on a GPU worker). */
    default boolean runsEncoder() {
        return false;
    }

    /** Checks constraints that involve the per-model weights; runs at submit time, without reading any file. */
    void validate(MethodParams params, List<Double> weights);

    /** Plans the merge, streaming over the inputs for any whole-model statistics it needs. */
    TensorMerger plan(MergeSetup setup);
}
