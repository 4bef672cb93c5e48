package io.embedmerge.merge;

import java.util.List;

/**
 * A merge method: its public description (name, parameters, reference, statistics passes, data needs), its
 * request-time checks and how it plans a merge. Adding a method is one implementation plus one line in the registry.
 */
public interface MergeMethod {

    MethodDescriptor descriptor();

    default String name() {
        return descriptor().name();
    }

    default DataNeeds dataNeeds() {
        return descriptor().dataNeeds();
    }

    /** Checks constraints that involve the per-model weights; runs at submit time, without reading any file. */
    void validate(MethodParams params, List<Double> weights);

    /** As {@link #validate(MethodParams, List)} with the per-model parameters, for methods that have any. */
    default void validate(MethodParams params, List<MethodParams> perModel, List<Double> weights) {
        validate(params, weights);
    }

    /** Plans the merge, streaming over the inputs for any whole-model statistics it needs. */
    TensorMerger plan(MergeSetup setup);
}
