package io.embedmerge.merge.methods;

import io.embedmerge.merge.ChunkMerger;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.LayerNames;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.MethodParams.LayerSlice;
import io.embedmerge.merge.OutputLayout;
import io.embedmerge.merge.ParamScope;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Passthrough (as mergekit). Without {@code slices}: the single model's floating tensors, times {@code scale},
 * unchanged otherwise; the base supplies the non-floating tensors and the other files. With {@code slices}: layer
 * stacking, as mergekit's slices: the output's layers are the slices' layer ranges in order (renumbered from 0), the
 * other tensors (embeddings, pooler) and files come from the base, and config.json's {@code num_hidden_layers} is
 * the new depth. {@code scale} may be set per model (for the tensors copied from it) and vary per tensor.
 */
final class PassthroughMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "passthrough",
            "Passthrough: copies the one model's floating tensors (times scale, default 1); non-floating tensors and "
                    + "files come from the base. Exactly one model. With slices (layer stacking, as mergekit's "
                    + "slices): builds a deeper (or shallower) encoder from layer ranges of the base and the models; "
                    + "embeddings, pooler and files come from the base, config.json's num_hidden_layers is the new depth.",
            "https://github.com/arcee-ai/mergekit",
            List.of(
                    new ParamSpec(
                                    "scale",
                                    ParamType.NUMBER,
                                    1.0,
                                    "Factor applied to every copied value; per model "
                                            + "(models[i].params.scale, for the tensors copied from models[i]) and per tensor as mergekit's.",
                                    -Params.MAX_LAMBDA,
                                    Params.MAX_LAMBDA,
                                    List.of())
                            .alsoIn(ParamScope.MODEL, ParamScope.TENSOR),
                    new ParamSpec(
                            "slices",
                            ParamType.LAYER_SLICES,
                            null,
                            "Layer stacking: [{\"model\": 0, \"layers\": [0, 4]}, {\"model\": 1, \"layers\": [2, 6]}] "
                                    + "gives layers 0-3 from models[0]'s 0-3 and 4-7 from models[1]'s 2-5 (end exclusive; "
                                    + "model is an index into models or \"base\"; mergekit's form {\"sources\": [one "
                                    + "such entry]} is accepted too). Every model needs the base's layer tensors and "
                                    + "shapes; any number of models. Absent: copy the one model.",
                            null,
                            null,
                            List.of())),
            WeightSpec.unused(),
            List.of(),
            DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requireModelCount(
                "passthrough", weights, 1, params.values().get("slices") == null ? 1 : Integer.MAX_VALUE);
        Params.requireUnitWeights("passthrough", weights);
    }

    /** One source per slice (a copy), each an index into models or the base. */
    @Override
    public void validateLayout(MethodParams params, int models) {
        List<List<LayerSlice>> slices = params.sliceSources("slices");
        if (slices == null) {
            return;
        }
        for (int k = 0; k < slices.size(); k++) {
            if (slices.get(k).size() != 1) {
                throw new InvalidMergeRequestException(
                        "method.params.slices[" + k + "].sources",
                        "passthrough copies "
                                + "exactly one source per slice (as mergekit); stack several slices to combine models, or "
                                + "merge them with another method");
            }
            if (slices.get(k).getFirst().model() >= models) {
                throw new InvalidMergeRequestException(
                        "method.params.slices[" + k + "].model",
                        "model "
                                + slices.get(k).getFirst().model() + " is not an index into models (0 to "
                                + (models - 1)
                                + ") nor \"base\"");
            }
        }
    }

    @Override
    public OutputLayout layout(
            MethodParams params, List<MethodParams> perModel, List<String> base, List<List<String>> models) {
        List<LayerSlice> slices = params.values().get("slices") == null ? null : params.slices("slices");
        if (slices == null) {
            return null;
        }
        LayerPositions positions = LayerPositions.of(List.of(), params);
        List<OutputLayout.Entry> layers = new ArrayList<>();
        int depth = 0;
        for (int k = 0; k < slices.size(); k++) {
            LayerSlice slice = slices.get(k);
            List<String> names = slice.model() == LayerSlice.BASE ? base : models.get(slice.model());
            String who = slice.model() == LayerSlice.BASE ? "the base" : "models[" + slice.model() + "]";
            int available = names.stream().mapToInt(LayerNames::layer).max().orElse(-1) + 1;
            if (slice.end() > available) {
                throw new InvalidMergeRequestException(
                        "method.params.slices[" + k + "].layers",
                        "slice " + k
                                + " asks for layers [" + slice.start() + ", " + slice.end() + ") of " + who
                                + ", which has "
                                + available + " layer(s) (0 to " + (available - 1) + "; end is exclusive)");
            }
            int source = slice.model() == LayerSlice.BASE ? OutputLayout.BASE : slice.model();
            for (int layer = slice.start(); layer < slice.end(); layer++, depth++) {
                for (String name : names) {
                    if (LayerNames.layer(name) == layer) {
                        String output = LayerNames.renumber(name, depth);
                        layers.add(new OutputLayout.Copy(
                                output, source, name, scale(params, perModel, source, name, positions.of(output))));
                    }
                }
            }
        }
        // the base's other tensors (embeddings before the layers, pooler after), the stacked layers in place of its own
        List<OutputLayout.Entry> tensors = new ArrayList<>();
        boolean placed = false;
        for (String name : base) {
            if (LayerNames.layer(name) < 0) {
                tensors.add(new OutputLayout.Copy(
                        name, OutputLayout.BASE, name, scale(params, perModel, OutputLayout.BASE, name, 0)));
            } else if (!placed) {
                tensors.addAll(layers);
                placed = true;
            }
        }
        if (!placed) {
            tensors.addAll(layers);
        }
        return new OutputLayout(tensors, Map.of("num_hidden_layers", depth));
    }

    /** The scale of a tensor copied from {@code source}: models[source].params.scale, else method.params.scale. */
    private static double scale(MethodParams params, List<MethodParams> perModel, int source, String tensor, double t) {
        Object raw = source == OutputLayout.BASE || perModel.isEmpty()
                ? params.values().get("scale")
                : TensorSettings.raw(params, perModel, source, "scale", 1.0);
        return TensorSettings.evaluate(raw, tensor, t, 1.0);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        LayerPositions positions = LayerPositions.of(setup);
        return tensor ->
                copy((float) scale(setup.params(), setup.modelParams(), 0, tensor.name(), positions.of(tensor)));
    }

    private static ChunkMerger copy(float scale) {
        return ChunkMerger.elementwise(
                scale == 1f
                        ? (first, base, models, out, from, to) ->
                                System.arraycopy(models[0], from, out, from, to - from)
                        : (first, base, models, out, from, to) -> {
                            float[] m = models[0];
                            for (int j = from; j < to; j++) {
                                out[j] = m[j] * scale;
                            }
                        });
    }
}
