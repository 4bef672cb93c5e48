package io.embedmerge.merge.methods;

import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;
import io.embedmerge.merge.kernels.DropMask;
import io.embedmerge.merge.kernels.TiesKernel;
import java.util.List;

/**
 * DARE: each task-vector entry is dropped with probability p = 1 − density and survivors are scaled by 1/density;
 * then {@code dare_linear} combines them as {@code linear} and {@code dare_ties} as {@code ties} without its trim
 * step. Drops come from the job's seed, so the same request gives byte-identical output.
 */
public final class DareMerge implements MergeMethod {

    private static final ParamSpec DENSITY = Params.density(0.5,
            "Share of entries kept (each is dropped with probability 1 − density; survivors are scaled by 1/density).");

    private final MethodDescriptor descriptor;
    private final boolean ties;

    private DareMerge(MethodDescriptor descriptor, boolean ties) {
        this.descriptor = descriptor;
        this.ties = ties;
    }

    public static DareMerge dareLinear() {
        return new DareMerge(new MethodDescriptor("dare_linear",
                "DARE drop-and-rescale of each task vector, then linear: θ0 + λ·Σ w_i V'_i / Σ w_i. Seeded by the job's seed.",
                "https://arxiv.org/abs/2311.03099",
                List.of(DENSITY, Params.LAMBDA, Params.normalize(true)),
                WeightSpec.signed(Params.POSITIVE_SUM), List.of(), DataNeeds.NONE), false);
    }

    public static DareMerge dareTies() {
        return new DareMerge(new MethodDescriptor("dare_ties",
                "DARE drop-and-rescale of each task vector, then TIES sign election and disjoint merge (no trim). "
                        + "Seeded by the job's seed.",
                "https://arxiv.org/abs/2311.03099",
                List.of(DENSITY, Params.LAMBDA, TiesMerge.SIGN_METHOD, Params.normalize(true)),
                WeightSpec.signed(null), List.of(), DataNeeds.NONE), true);
    }

    @Override
    public MethodDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        if (!ties) {
            LinearMerge.scales(params, weights);
        }
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        int n = setup.modelCount();
        MethodParams p = setup.params();
        double density = p.number("density");
        DropMask mask = new DropMask(setup.seed(), density);
        BlockCombiner combine;
        if (ties) {
            TiesKernel kernel = new TiesKernel(setup.weights().stream().mapToDouble(Double::doubleValue).toArray(),
                    p.string("signMethod").equals("count"), p.bool("normalize"));
            // τ̂ is linear in the survivors' common factor 1/density, so it is applied with λ in float64
            double scale = p.number("lambda") / density;
            combine = (base, scratch, out, start, end) -> kernel.combine(scratch, base, scale, out, start, end);
        } else {
            double[] scales = LinearMerge.scales(p, setup.weights());
            for (int i = 0; i < n; i++) {
                scales[i] /= density;
            }
            combine = (base, scratch, out, start, end) -> {
                double[] acc = scratch.merged;
                for (int k = 0; k < end - start; k++) {
                    acc[k] = 0;
                }
                for (int i = 0; i < n; i++) {
                    double s = scales[i];
                    double[] d = scratch.entries[i];
                    for (int k = 0; k < end - start; k++) {
                        acc[k] += s * d[k];
                    }
                }
                for (int j = start; j < end; j++) {
                    out[j] = (float) (base[j] + acc[j - start]);
                }
            };
        }
        return tensor -> {
            long[] streams = new long[n];
            for (int i = 0; i < n; i++) {
                streams[i] = mask.stream(i, tensor.name());
            }
            return (first, base, models, out, from, to) -> {
                TiesKernel.Scratch scratch = new TiesKernel.Scratch(n);
                for (int start = from; start < to; start += TiesKernel.BLOCK) {
                    int end = Math.min(to, start + TiesKernel.BLOCK);
                    for (int i = 0; i < n; i++) {
                        float[] m = models[i];
                        double[] d = scratch.entries[i];
                        for (int j = start; j < end; j++) {
                            d[j - start] = mask.keep(streams[i], first + j) ? m[j] - base[j] : 0f;
                        }
                    }
                    combine.apply(base, scratch, out, start, end);
                }
            };
        };
    }

    /** Combines the surviving entries of positions [start, end) (in the scratch) into the output. */
    @FunctionalInterface
    private interface BlockCombiner {
        void apply(float[] base, TiesKernel.Scratch scratch, float[] out, int start, int end);
    }
}
