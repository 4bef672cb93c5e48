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
     * Checks the parameters that shape the output (slices) against the number of models; runs at submit time. By
     * default, mergekit's slices with several sources ({@link SliceLayout}) for methods that list
     * {@link SliceLayout#PARAM}.
     */
    default void validateLayout(MethodParams params, int models) {
        SliceLayout.check(params, models);
    }

    /**
     * For outputs that are not the base's tensors merged position by position under their own names: which input
     * tensors each output tensor copies or merges, and what to change in config.json. By default the layout of
     * mergekit's slices ({@link SliceLayout}) when the method lists that parameter and the request gives it, else null.
     * Runs before anything is read; the executor checks the shapes.
     *
     * @param perModel the per-model parameters ({@code models[i].params}), empty when there are none
     * @param base     the base's tensor names, in file order
     * @param models   each model's tensor names, in request order
     */
    default OutputLayout layout(
            MethodParams params, List<MethodParams> perModel, List<String> base, List<List<String>> models) {
        return SliceLayout.merged(params, base, models);
    }

    /** Plans the merge, streaming over the inputs for any whole-model statistics it needs. */
    TensorMerger plan(MergeSetup setup);
}
