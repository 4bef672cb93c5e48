package io.embedmerge.merge.methods;

import io.embedmerge.merge.ChunkMerger;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamScope;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.SliceLayout;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import java.util.List;

/**
 * NearSwap (as mergekit): per entry, w = clamp(t / max(|θ1 − θ0|, 1e-6), 0, 1) and θ = w·θ1 + (1−w)·θ0, so entries
 * where the model is within t of the base take the model's value and the others move towards it by t. t may vary
 * per tensor.
 */
final class NearSwapMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "nearswap",
            "NearSwap: per entry θ0 + w·(θ1 − θ0) with w = clamp(t / max(|θ1 − θ0|, 1e-6), 0, 1): entries close to "
                    + "the base (within t) take the model's value, the rest move t towards it. Exactly one model.",
            "https://huggingface.co/alchemonaut/QuartetAnemoi-70B-t0.0001",
            List.of(
                    new ParamSpec(
                                    "t",
                                    ParamType.NUMBER,
                                    0.0001,
                                    "Similarity threshold t (absolute difference).",
                                    0.0,
                                    1e6,
                                    List.of())
                            .alsoIn(ParamScope.TENSOR),
                    SliceLayout.PARAM),
            WeightSpec.unused(),
            List.of(),
            DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requireModelCount("nearswap", weights, 1, 1);
        Params.requireUnitWeights("nearswap", weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        LayerPositions positions = LayerPositions.of(setup);
        return tensor -> merger(
                TensorSettings.evaluate(setup.params().values().get("t"), tensor.name(), positions.of(tensor), 0.0001));
    }

    private static ChunkMerger merger(double t) {
        return ChunkMerger.elementwise((first, base, models, out, from, to) -> {
            float[] m = models[0];
            for (int j = from; j < to; j++) {
                double a = base[j];
                double b = m[j];
                double w = Math.clamp(t / Math.max(Math.abs(b - a), 1e-6), 0.0, 1.0);
                out[j] = (float) (w * b + (1 - w) * a);
            }
        });
    }
}
