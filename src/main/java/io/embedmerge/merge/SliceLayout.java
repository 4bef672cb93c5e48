package io.embedmerge.merge;

import io.embedmerge.merge.MethodParams.LayerSlice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * mergekit's slices for merging methods: the output's layers are, slice after slice, the method's merge of layer
 * {@code start + o} of each source (the base and every model, each once per slice, layer ranges of one length); the
 * tensors outside the layers (embeddings, pooler) are merged under their own names; config.json's
 * {@code num_hidden_layers} is the new depth. A method offers it by listing {@link #PARAM} among its parameters.
 */
public final class SliceLayout {

    public static final ParamSpec PARAM = new ParamSpec(
            "slices",
            ParamType.LAYER_SLICES,
            null,
            "mergekit's slices: [{\"sources\": [{\"model\": \"base\", \"layers\": [0, 4]}, {\"model\": 0, \"layers\": "
                    + "[2, 6]}]}, ...] makes output layers 0-3 the merge of the base's layers 0-3 with models[0]'s 2-5, "
                    + "and so on slice after slice (end exclusive). Each slice names the base and every model once, "
                    + "with ranges of one length; parameters that vary across the layers restart at each slice. "
                    + "Absent: every layer merged with the same layer of each model.",
            null,
            null,
            List.of());

    private SliceLayout() {}

    /** Checks that each slice names the base and every one of {@code models} models exactly once. */
    public static void check(MethodParams params, int models) {
        List<List<LayerSlice>> slices = params.sliceSources(PARAM.name());
        if (slices == null) {
            return;
        }
        for (int k = 0; k < slices.size(); k++) {
            String field = "method.params.slices[" + k + "]";
            List<LayerSlice> sources = slices.get(k);
            boolean[] seen = new boolean[models + 1];
            for (LayerSlice source : sources) {
                if (source.model() >= models) {
                    throw new InvalidMergeRequestException(
                            field + ".sources",
                            "model " + source.model() + " is not an " + "index into models (0 to " + (models - 1)
                                    + ") nor \"base\"");
                }
                if (seen[source.model() + 1]) {
                    throw new InvalidMergeRequestException(
                            field + ".sources", "slice " + k + " names " + who(source.model()) + " twice");
                }
                seen[source.model() + 1] = true;
            }
            for (int i = -1; i < models; i++) {
                if (!seen[i + 1]) {
                    throw new InvalidMergeRequestException(
                            field + ".sources",
                            "slice " + k + " lacks " + who(i)
                                    + ": each slice of a merge names the base and every model once, as the method merges them "
                                    + "all layer by layer");
                }
            }
        }
    }

    /** Lengths of the slices in order, or null when no slices are given. */
    public static List<Integer> lengths(MethodParams params) {
        List<List<LayerSlice>> slices = params.sliceSources(PARAM.name());
        return slices == null
                ? null
                : slices.stream().map(s -> s.getFirst().length()).toList();
    }

    /**
     * The output of the slices given in {@code params}, or null when none are given.
     *
     * @param base   the base's tensor names, in file order
     * @param models each model's tensor names, in request order
     */
    public static OutputLayout merged(MethodParams params, List<String> base, List<List<String>> models) {
        List<List<LayerSlice>> slices = params.sliceSources(PARAM.name());
        if (slices == null) {
            return null;
        }
        List<OutputLayout.Entry> layers = new ArrayList<>();
        int depth = 0;
        for (int k = 0; k < slices.size(); k++) {
            List<LayerSlice> sources = slices.get(k);
            LayerSlice[] of = new LayerSlice[models.size() + 1];
            for (int s = 0; s < sources.size(); s++) {
                LayerSlice source = sources.get(s);
                of[source.model() + 1] = source;
                List<String> names = source.model() == LayerSlice.BASE ? base : models.get(source.model());
                int available = names.stream().mapToInt(LayerNames::layer).max().orElse(-1) + 1;
                if (source.end() > available) {
                    throw new InvalidMergeRequestException(
                            "method.params.slices[" + k + "].sources[" + s + "].layers",
                            "slice " + k + " asks for layers [" + source.start() + ", " + source.end() + ") of "
                                    + who(source.model()) + ", which has " + available
                                    + " layer(s) (end is exclusive)");
                }
            }
            for (int offset = 0; offset < of[0].length(); offset++, depth++) {
                int baseLayer = of[0].start() + offset;
                for (String name : base) {
                    if (LayerNames.layer(name) == baseLayer) {
                        List<String> modelNames = new ArrayList<>();
                        for (int i = 0; i < models.size(); i++) {
                            modelNames.add(LayerNames.renumber(name, of[i + 1].start() + offset));
                        }
                        layers.add(new OutputLayout.Merge(LayerNames.renumber(name, depth), name, modelNames));
                    }
                }
            }
        }
        // the base's other tensors (embeddings, pooler), merged under their own names; all in name order, as the
        // base's tensors are written without slices (so one slice over every layer writes the same file)
        List<OutputLayout.Entry> tensors = new ArrayList<>(layers);
        for (String name : base) {
            if (LayerNames.layer(name) < 0) {
                tensors.add(new OutputLayout.Merge(name, name, Collections.nCopies(models.size(), name)));
            }
        }
        tensors.sort(java.util.Comparator.comparing(OutputLayout.Entry::name));
        return new OutputLayout(tensors, Map.of("num_hidden_layers", depth));
    }

    private static String who(int model) {
        return model == LayerSlice.BASE ? "the base" : "models[" + model + "]";
    }
}
