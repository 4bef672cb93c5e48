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

    /**
     * For methods whose output is not the base's tensors merged position by position (passthrough's layer stacking):
     * which input tensor each output tensor copies, and what to change in config.json. Null (the default) for
     * merging methods. Runs before anything is read; the executor checks the shapes.
     *
     * @param base   the base's tensor names, in file order
     * @param models each model's tensor names, in request order
     */
    default OutputLayout layout(MethodParams params, List<String> base, List<List<String>> models) {
        return null;
    }

    /** Plans the merge, streaming over the inputs for any whole-model statistics it needs. */
    TensorMerger plan(MergeSetup setup);
}
