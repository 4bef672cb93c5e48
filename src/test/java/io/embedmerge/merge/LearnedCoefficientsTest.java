package io.embedmerge.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The self_positioning write pass applies the coefficients of each tensor's group: θ0 + λ_g Σ c_{g,i} (θ_i − θ0),
 * checked against that formula in float64 (the kernel accumulates in float64 and rounds once, so to 1 float32 ulp).
 */
class LearnedCoefficientsTest {

    private static final float[] BASE = {0.5f, -1.25f, 2.0f, 0.0f};
    private static final float[][] MODELS = {{0.75f, -1.0f, 1.5f, 0.25f}, {0.25f, -2.0f, 2.5f, -0.5f}};

    @Test
    void eachTensorTakesItsLayersCoefficientsAndOtherTensorsTheRest() {
        LearnedCoefficients learned = new LearnedCoefficients(
                LearnedCoefficients.Granularity.LAYER,
                List.of(
                        new LearnedCoefficients.Group("other", new double[] {0.9, 0.1}, 0.5),
                        new LearnedCoefficients.Group("encoder.layer.0", new double[] {0.3, 0.6}, 1.2),
                        new LearnedCoefficients.Group("encoder.layer.1", new double[] {0.7, 0.4}, 0.8)));
        TensorMerger merger = plan(learned);
        Map<String, LearnedCoefficients.Group> expected = Map.of(
                "encoder.layer.0.attention.self.query.weight", learned.groups().get(1),
                "encoder.layer.1.output.dense.bias", learned.groups().get(2),
                "embeddings.word_embeddings.weight", learned.groups().get(0),
                "pooler.dense.weight", learned.groups().get(0));
        expected.forEach((name, group) -> {
            float[] out = new float[BASE.length];
            merger.forTensor(new MergeTensor(0, name, List.of(4L), 4)).merge(0, BASE, MODELS, out, 0, BASE.length);
            for (int j = 0; j < out.length; j++) {
                double want = BASE[j]
                        + group.lambda()
                                * (group.c()[0] * ((double) MODELS[0][j] - BASE[j])
                                        + group.c()[1] * ((double) MODELS[1][j] - BASE[j]));
                assertThat((double) out[j])
                        .as("%s[%d] with the coefficients of %s", name, j, group.name())
                        .isCloseTo(want, org.assertj.core.data.Offset.offset(Math.ulp((float) want) * 1.0));
            }
        });
        assertThatThrownBy(
                        () -> merger.forTensor(new MergeTensor(0, "encoder.layer.7.output.dense.bias", List.of(4L), 4)))
                .hasMessageContaining("group 'encoder.layer.7'");
    }

    @Test
    void modelGranularityAppliesOneSetToEveryTensor() {
        LearnedCoefficients learned = new LearnedCoefficients(new double[] {0.917, 0.341}, 0.343);
        assertThat(learned.granularity()).isEqualTo(LearnedCoefficients.Granularity.MODEL);
        TensorMerger merger = plan(learned);
        for (String name : List.of("encoder.layer.3.attention.self.key.weight", "embeddings.LayerNorm.bias")) {
            float[] out = new float[BASE.length];
            merger.forTensor(new MergeTensor(0, name, List.of(4L), 4)).merge(0, BASE, MODELS, out, 0, BASE.length);
            for (int j = 0; j < out.length; j++) {
                double want = BASE[j]
                        + 0.343
                                * (0.917 * ((double) MODELS[0][j] - BASE[j])
                                        + 0.341 * ((double) MODELS[1][j] - BASE[j]));
                assertThat((double) out[j])
                        .isCloseTo(want, org.assertj.core.data.Offset.offset(Math.ulp((float) want) * 1.0));
            }
        }
    }

    private static TensorMerger plan(LearnedCoefficients learned) {
        MethodRegistry registry = new MethodRegistry();
        MergeMethod method = registry.require("self_positioning");
        MethodParams params = registry.validate(method, Map.of());
        return method.plan(new MergeSetup(
                params,
                List.of(new MethodParams(Map.of()), new MethodParams(Map.of())),
                List.of(1.0, 1.0),
                0,
                null,
                learned));
    }
}
