package io.embedmerge.merge.methods;

import io.embedmerge.merge.ChunkMerger;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.InvalidMergeRequestException;
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
import io.embedmerge.merge.statistics.GramMatrices;
import java.util.List;

/**
 * mergekit's {@code slerp}: per tensor, spherical interpolation between the base's own values (t = 0) and the one
 * model's (t = 1), not of task vectors. The angle comes from the two tensors normalised (a norm of at most 1e-8 is
 * left as it is); where |cos| > 0.9995 it is the lerp (1−t)·θ0 + t·θ1, else
 * sin((1−t)Ω)/sin Ω · θ0 + sin(tΩ)/sin Ω · θ1. One pass computes the norms and dot products of the base and the
 * model per tensor (float64), the write pass applies the two coefficients.
 */
final class SlerpPairMerge implements MergeMethod {

    static final double DOT_THRESHOLD = 0.9995;
    static final double EPS = 1e-8;

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "slerp_pair",
            "mergekit's slerp: per tensor, spherical interpolation from the base (t = 0) to the one model (t = 1) on "
                    + "the weights themselves (not task vectors); lerp where the normalised tensors have |cos| > 0.9995. "
                    + "t may vary per tensor. Exactly one model; no per-model weights. mergekit configs with "
                    + "merge_method: slerp become this method.",
            "https://en.wikipedia.org/wiki/Slerp",
            List.of(
                    new ParamSpec(
                                    "t",
                                    ParamType.NUMBER,
                                    null,
                                    "Interpolation factor (required): 0 gives the base, " + "1 the model.",
                                    0.0,
                                    1.0,
                                    List.of())
                            .alsoIn(ParamScope.TENSOR),
                    SliceLayout.PARAM),
            WeightSpec.unused(),
            List.of("gram-raw-base"),
            DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        if (params.values().get("t") == null) {
            throw new InvalidMergeRequestException(
                    "method.params.t", "slerp_pair needs t (0 gives the base, 1 the model)");
        }
        if (params.values().get("t") instanceof List<?> entries
                && entries.getFirst() instanceof java.util.Map
                && entries.stream().allMatch(e -> ((java.util.Map<?, ?>) e).containsKey("filter"))) {
            throw new InvalidMergeRequestException(
                    "method.params.t",
                    "t given as filtered values needs a last entry "
                            + "without filter ({\"value\": ...}) for the tensors no filter matches (mergekit fails on them)");
        }
        Params.requireModelCount("slerp_pair", weights, 1, 1);
        Params.requireUnitWeights("slerp_pair", weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        LayerPositions positions = LayerPositions.of(setup);
        GramMatrices grams = GramMatrices.computeRawWithBase(setup.inputs(), 1);
        return tensor -> {
            double t =
                    TensorSettings.evaluate(setup.params().values().get("t"), tensor.name(), positions.of(tensor), 0.5);
            double[] s = coefficients(grams.of(tensor), t);
            return merger(s[0], s[1]);
        };
    }

    /** (s0, s1) with the result s0·θ0 + s1·θ1, from the Gram matrix of (θ0, θ1). */
    static double[] coefficients(double[][] gram, double t) {
        double n0 = Math.sqrt(Math.max(0, gram[0][0]));
        double n1 = Math.sqrt(Math.max(0, gram[1][1]));
        double dot = gram[0][1] / ((n0 > EPS ? n0 : 1) * (n1 > EPS ? n1 : 1));
        if (Math.abs(dot) > DOT_THRESHOLD) {
            return new double[] {1 - t, t};
        }
        double theta = Math.acos(dot);
        double sin = Math.sin(theta);
        return new double[] {Math.sin(theta - theta * t) / sin, Math.sin(theta * t) / sin};
    }

    private static ChunkMerger merger(double s0, double s1) {
        return ChunkMerger.elementwise((first, base, models, out, from, to) -> {
            float[] m = models[0];
            for (int j = from; j < to; j++) {
                out[j] = (float) (s0 * base[j] + s1 * m[j]);
            }
        });
    }
}
