package io.embedmerge.merge.methods;

import io.embedmerge.merge.ChunkMerger;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeSetup;
import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.ParamSpec;
import io.embedmerge.merge.ParamType;
import io.embedmerge.merge.TensorMerger;
import io.embedmerge.merge.WeightSpec;

import java.util.List;

/**
 * Passthrough (as mergekit): the single model's floating tensors, times {@code scale}, unchanged otherwise; the
 * base supplies the non-floating tensors and the other files. Layer stacking from slices is not supported: inputs
 * must have the base's tensors and shapes.
 */
final class PassthroughMerge implements MergeMethod {

    private static final MethodDescriptor DESCRIPTOR = new MethodDescriptor("passthrough",
            "Passthrough: copies the one model's floating tensors (times scale, default 1); non-floating tensors and "
                    + "files come from the base. Exactly one model.",
            "https://github.com/arcee-ai/mergekit",
            List.of(new ParamSpec("scale", ParamType.NUMBER, 1.0, "Factor applied to every copied value.",
                    -Params.MAX_LAMBDA, Params.MAX_LAMBDA, List.of())),
            WeightSpec.unused(), List.of(), DataNeeds.NONE);

    @Override
    public MethodDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void validate(MethodParams params, List<Double> weights) {
        Params.requireModelCount("passthrough", weights, 1, 1);
        Params.requireUnitWeights("passthrough", weights);
    }

    @Override
    public TensorMerger plan(MergeSetup setup) {
        float scale = (float) setup.params().number("scale");
        ChunkMerger merger = scale == 1f
                ? (first, base, models, out, from, to) -> System.arraycopy(models[0], from, out, from, to - from)
                : (first, base, models, out, from, to) -> {
                    float[] m = models[0];
                    for (int j = from; j < to; j++) {
                        out[j] = m[j] * scale;
                    }
                };
        return tensor -> merger;
    }
}
