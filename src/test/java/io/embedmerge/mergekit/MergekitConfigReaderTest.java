package io.embedmerge.mergekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.job.JobValidationException;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ModelInput;
import io.embedmerge.job.OutputDtype;
import io.embedmerge.merge.MethodRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** mergekit configs in the style of mergekit's examples read into merge jobs, written back, and refused with paths. */
class MergekitConfigReaderTest {

    private static final MethodRegistry METHODS = new MethodRegistry();
    private static final MergekitConfigReader READER = new MergekitConfigReader(METHODS);
    private static final MergekitConfigWriter WRITER = new MergekitConfigWriter(METHODS);

    /** examples/ties.yml of mergekit, with this service's URIs. */
    static final String TIES = """
            models:
              - model: file:./data/models/a
                parameters:
                  density: [1, 0.7, 0.1] # density gradient
                  weight: 1.0
              - model: file:./data/models/b
                parameters:
                  density: 0.5
                  weight: [0, 0.3, 0.7, 1] # weight gradient
              - model: file:./data/models/c
                parameters:
                  density: 0.33
                  weight:
                    - filter: mlp
                      value: 0.5
                    - value: 0
            merge_method: ties
            base_model: file:./data/models/base
            parameters:
              normalize: true
              int8_mask: true
            dtype: float16
            """;

    static final String DARE = """
            models:
              - model: file:./data/models/base
                # no parameters necessary for base model
              - model: file:./data/models/a
                parameters:
                  density: 0.53
                  weight: 0.4
              - model: file:./data/models/b
                parameters:
                  density: 0.53
                  weight: 0.3
            merge_method: dare_ties
            base_model: file:./data/models/base
            parameters:
              int8_mask: true
              rescale: true
            dtype: bfloat16
            """;

    static final String PASSTHROUGH = """
            slices:
              - sources:
                  - model: file:./data/models/a
                    layer_range: [0, 6]
            merge_method: passthrough
            dtype: float32
            """;

    static final String PASSTHROUGH_STACK = """
            slices:
              - sources:
                  - model: file:./data/models/a
                    layer_range: [0, 4]
              - sources:
                  - model: file:./data/models/b
                    layer_range: [2, 6]
              - sources:
                  - model: file:./data/models/a
                    layer_range: [5, 6]
            merge_method: passthrough
            base_model: file:./data/models/base
            """;

    static final String MODEL_STOCK = """
            models:
              - model: file:./data/models/a
              - model: file:./data/models/b
              - model: file:./data/models/c
            merge_method: model_stock
            base_model: file:./data/models/base
            parameters:
              filter_wise: false
            tokenizer_source: base
            """;

    static final String KARCHER = """
            models:
              - model: file:./data/models/a
              - model: file:./data/models/b
            merge_method: karcher
            base_model: file:./data/models/base
            parameters:
              max_iter: 20
              tol: 1.0e-6
            """;

    static final String MULTISLERP = """
            models:
              - model: file:./data/models/a
                parameters:
                  weight: 0.3
              - model: file:./data/models/b
                parameters:
                  weight: 0.7
            merge_method: multislerp
            base_model: file:./data/models/base
            parameters:
              normalize_weights: false
            """;

    /** mergekit's README slerp example: one slice, two sources, t by filter and across the layers. */
    static final String SLERP = """
            slices:
              - sources:
                  - model: file:./data/models/a
                    layer_range: [0, 6]
                  - model: file:./data/models/base
                    layer_range: [0, 6]
            merge_method: slerp
            base_model: file:./data/models/base
            parameters:
              t:
                - filter: self_attn
                  value: [0, 0.5, 0.3, 0.7, 1]
                - filter: mlp
                  value: [1, 0.5, 0.7, 0.3, 0]
                - value: 0.5
            dtype: bfloat16
            """;

    static final String SLERP_MODELS = """
            models:
              - model: file:./data/models/base
              - model: file:./data/models/a
            merge_method: slerp
            base_model: file:./data/models/base
            parameters:
              t: 0.3
            """;

    /** Two slices with several sources each, the models' parameters repeated in each. */
    static final String TIES_SLICES = """
            slices:
              - sources:
                  - model: file:./data/models/base
                    layer_range: [0, 3]
                  - model: file:./data/models/a
                    layer_range: [0, 3]
                    parameters: {weight: 0.7, density: 0.5}
                  - model: file:./data/models/b
                    layer_range: [3, 6]
                    parameters: {weight: 0.3, density: [1, 0.5]}
              - sources:
                  - model: file:./data/models/base
                    layer_range: [3, 6]
                  - model: file:./data/models/a
                    layer_range: [3, 6]
                    parameters: {weight: 0.7, density: 0.5}
                  - model: file:./data/models/b
                    layer_range: [0, 3]
                    parameters: {weight: 0.3, density: [1, 0.5]}
            merge_method: ties
            base_model: file:./data/models/base
            parameters:
              normalize: true
            """;

    /** mergekit's linear averages the listed base too. */
    static final String LINEAR = """
            models:
              - model: file:./data/models/base
                parameters:
                  weight: 0.5
              - model: file:./data/models/a
                parameters:
                  weight: 0.5
            merge_method: linear
            base_model: file:./data/models/base
            """;

    /** No base_model, as mergekit's linear and karcher examples. */
    static final String LINEAR_NO_BASE = """
            models:
              - model: file:./data/models/a
                parameters:
                  weight: 1.0
              - model: file:./data/models/b
                parameters:
                  weight: 2.0
            merge_method: linear
            """;

    static final String KARCHER_NO_BASE = """
            models:
              - model: file:./data/models/a
              - model: file:./data/models/b
            merge_method: karcher
            """;

    /** A weight for every model in the top-level parameters, overridden by one model. */
    static final String NUSLERP_GLOBAL_WEIGHT = """
            models:
              - model: file:./data/models/a
              - model: file:./data/models/b
                parameters:
                  weight: [1, 3]
            merge_method: nuslerp
            base_model: file:./data/models/base
            parameters:
              weight: 2.0
              nuslerp_flatten: true
            """;

    @Test
    void mergekitsSlerpBecomesSlerpPairWithTheSliceAsAMergedSlice() {
        MergeJobRequest request = READER.read(SLERP);
        assertThat(request.method().name()).isEqualTo("slerp_pair");
        assertThat(request.base()).isEqualTo("file:./data/models/base");
        assertThat(request.models()).extracting(ModelInput::uri).containsExactly("file:./data/models/a");
        assertThat(request.method().params().get("slices"))
                .isEqualTo(List.of(Map.of(
                        "sources",
                        List.of(
                                Map.of("model", 0, "layers", List.of(0, 6)),
                                Map.of("model", "base", "layers", List.of(0, 6))))));
        var params =
                METHODS.validate(METHODS.require("slerp_pair"), request.method().params());
        METHODS.validateWeights(METHODS.require("slerp_pair"), params, List.of(1.0));
        assertThat(WRITER.write(request, params.values()))
                .contains("merge_method: slerp\n")
                .doesNotContain("slerp_pair");
        assertThat(READER.read(SLERP_MODELS).method().name()).isEqualTo("slerp_pair");
        assertThat(READER.read(SLERP_MODELS).models())
                .extracting(ModelInput::uri)
                .containsExactly("file:./data/models/a");
    }

    @Test
    void slicesWithSeveralSourcesBecomeMergedSlicesAndTheModelsTheirParameters() {
        MergeJobRequest request = READER.read(TIES_SLICES);
        assertThat(request.models())
                .extracting(ModelInput::uri)
                .containsExactly("file:./data/models/a", "file:./data/models/b");
        assertThat(request.models().get(0).weight()).isEqualTo(0.7);
        assertThat(request.models().get(1).params()).isEqualTo(Map.of("density", List.of(1, 0.5)));
        var ties = METHODS.require("ties");
        var params = METHODS.validate(ties, request.method().params());
        METHODS.validateWeights(
                ties,
                params,
                METHODS.validateModelParams(
                        ties, request.models().stream().map(ModelInput::params).toList()),
                request.models().stream().map(ModelInput::effectiveWeight).toList());
        assertThat(params.sliceSources("slices")).hasSize(2);
        assertThat(params.sliceSources("slices").get(1))
                .contains(new io.embedmerge.merge.MethodParams.LayerSlice(1, 0, 3));
    }

    @Test
    void linearAndKarcherMergeTheBaseModelAsMergekitDoes() {
        MergeJobRequest linear = READER.read(LINEAR);
        assertThat(linear.models())
                .extracting(ModelInput::uri)
                .containsExactly("file:./data/models/base", "file:./data/models/a");
        assertThat(linear.models()).extracting(ModelInput::weight).containsExactly(0.5, 0.5);
        MergeJobRequest noBase = READER.read(LINEAR_NO_BASE);
        assertThat(noBase.base()).isEqualTo("file:./data/models/a");
        assertThat(noBase.models())
                .extracting(ModelInput::uri)
                .containsExactly("file:./data/models/a", "file:./data/models/b");
        assertThat(READER.read(KARCHER).models())
                .extracting(ModelInput::uri)
                .containsExactly("file:./data/models/a", "file:./data/models/b", "file:./data/models/base");
        assertThat(READER.read(KARCHER_NO_BASE).base()).isEqualTo("file:./data/models/a");
    }

    @Test
    void aTopLevelPerModelParameterIsTheDefaultOfEachModel() {
        MergeJobRequest request = READER.read(NUSLERP_GLOBAL_WEIGHT);
        assertThat(request.models().get(0).weight()).isEqualTo(2.0);
        assertThat(request.models().get(1).weight()).isNull();
        assertThat(request.models().get(1).params()).isEqualTo(Map.of("weight", List.of(1, 3)));
        assertThat(request.method().params()).doesNotContainKey("weight");
    }

    @Test
    void methodsMergekitLacksHaveNoConfig() {
        for (String method : List.of("slerp", "fisher")) {
            MergeJobRequest request = new MergeJobRequest(
                    "file:./data/models/base",
                    List.of(new ModelInput("file:./data/models/a", null, null, null, null)),
                    new io.embedmerge.job.MethodSpec(method, Map.of()),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
            assertThatThrownBy(() -> WRITER.write(
                            request,
                            METHODS.validate(METHODS.require(method), Map.of()).values()))
                    .isInstanceOf(io.embedmerge.job.JobConflictException.class)
                    .hasMessageContaining(method);
        }
    }

    @Test
    void mergekitParameterNamesMapToOurs() {
        assertThat(READER.read(KARCHER).method().params()).containsEntry("maxIter", 20);
        assertThat(READER.read(MULTISLERP).method().params()).containsEntry("normalize", false);
        MergeJobRequest karcher = READER.read(KARCHER);
        assertThat(WRITER.write(
                        karcher,
                        METHODS.validate(
                                        METHODS.require("karcher"),
                                        karcher.method().params())
                                .values()))
                .contains("max_iter: 20")
                .doesNotContain("maxIter");
    }

    @Test
    void tiesExampleBecomesTheEquivalentJob() {
        MergeJobRequest request = READER.read(TIES);
        assertThat(request.base()).isEqualTo("file:./data/models/base");
        assertThat(request.outputDtype()).isEqualTo(OutputDtype.F16);
        assertThat(request.models())
                .extracting(ModelInput::uri)
                .containsExactly("file:./data/models/a", "file:./data/models/b", "file:./data/models/c");
        assertThat(request.models().get(0).weight()).isEqualTo(1.0);
        assertThat(request.models().get(0).params()).isEqualTo(Map.of("density", List.of(1, 0.7, 0.1)));
        assertThat(request.models().get(1).params()).containsEntry("weight", List.of(0, 0.3, 0.7, 1));
        // mergekit's semantics: per-tensor statistics
        assertThat(request.method().params())
                .containsEntry("granularity", "tensor")
                .containsEntry("normalize", true)
                .doesNotContainKey("int8_mask");
    }

    @Test
    void dareExampleDropsTheBaseFromTheModelsAndTakesMergekitsNormalizeDefault() {
        MergeJobRequest request = READER.read(DARE);
        assertThat(request.models()).hasSize(2);
        assertThat(request.outputDtype()).isEqualTo(OutputDtype.BF16);
        assertThat(request.method().params()).containsEntry("normalize", false);
    }

    @Test
    void passthroughSlicesBecomeLayerRangesOfTheDistinctModels() {
        MergeJobRequest request = READER.read(PASSTHROUGH_STACK);
        assertThat(request.base()).isEqualTo("file:./data/models/base");
        assertThat(request.models())
                .extracting(m -> m.uri())
                .containsExactly("file:./data/models/a", "file:./data/models/b");
        var params = METHODS.validate(
                METHODS.require("passthrough"), request.method().params());
        assertThat(params.slices("slices"))
                .containsExactly(
                        new io.embedmerge.merge.MethodParams.LayerSlice(0, 0, 4),
                        new io.embedmerge.merge.MethodParams.LayerSlice(1, 2, 6),
                        new io.embedmerge.merge.MethodParams.LayerSlice(0, 5, 6));
        String written = WRITER.write(request, params.values());
        assertThat(written).contains("layer_range:").doesNotContain("  slices");
        assertThat(METHODS.validate(
                        METHODS.require("passthrough"),
                        READER.read(written).method().params()))
                .isEqualTo(params);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "TIES",
        "DARE",
        "PASSTHROUGH",
        "PASSTHROUGH_STACK",
        "MODEL_STOCK",
        "KARCHER",
        "MULTISLERP",
        "SLERP",
        "SLERP_MODELS",
        "TIES_SLICES",
        "LINEAR",
        "LINEAR_NO_BASE",
        "KARCHER_NO_BASE",
        "NUSLERP_GLOBAL_WEIGHT"
    })
    void configsRoundTrip(String example) throws Exception {
        String yaml = (String)
                MergekitConfigReaderTest.class.getDeclaredField(example).get(null);
        MergeJobRequest first = READER.read(yaml);
        var method = METHODS.require(first.method().name());
        String written = WRITER.write(
                first, METHODS.validate(method, first.method().params()).values());
        MergeJobRequest again = READER.read(written);
        assertThat(again.base()).isEqualTo(first.base());
        assertThat(again.models()).isEqualTo(first.models());
        assertThat(again.outputDtype()).isEqualTo(first.outputDtype());
        assertThat(METHODS.validate(method, again.method().params()))
                .isEqualTo(METHODS.validate(method, first.method().params()));
        assertThat(WRITER.write(
                        again, METHODS.validate(method, again.method().params()).values()))
                .isEqualTo(written);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "merge_method: ties\\nbase_model: b\\nmodels:\\n  - model: a\\n    parameters:\\n      foo: 1|models[0].parameters.foo",
                "merge_method: ties\\nbase_model: b\\nmodels:\\n  - model: a\\nout_dtype: float16|out_dtype",
                "merge_method: frankenmerge\\nbase_model: b\\nmodels:\\n  - model: a|merge_method",
                "merge_method: ties\\nbase_model: b\\nmodels:\\n  - model: a\\nparameters:\\n  foo: true|parameters.foo",
                "merge_method: dare_ties\\nbase_model: b\\nmodels:\\n  - model: a\\nparameters:\\n  rescale: false|parameters.rescale",
                "merge_method: ties\\nbase_model: b\\nmodels:\\n  - model: a\\ntokenizer_source: union|tokenizer_source",
                "merge_method: ties\\nbase_model: b\\nmodels:\\n  - model: a\\ndtype: int8|dtype",
                "merge_method: ties\\nbase_model: b\\nmodels:\\n  - model: a\\n    layer_range: [0, 3]|models[0].layer_range",
                "slices:\\n  - sources:\\n      - model: a\\n      - model: c\\nmerge_method: passthrough|slices[0].sources",
                "slices:\\n  - sources:\\n      - model: a\\n        layer_range: [0, 2]\\n  - sources:\\n      - model: c\\nmerge_method: passthrough|slices[1].sources[0].layer_range",
                "slices:\\n  - sources:\\n      - model: a\\n        layer_range: [3, 2]\\nmerge_method: passthrough|slices[0].sources[0].layer_range",
                "merge_method: ties\\n  - nonsense: [|$",
                "slices:\\n  - sources:\\n      - model: a\\n        layer_range: [0, 2]\\n      - model: c\\n        layer_range: [0, 2]\\nmerge_method: ties\\nbase_model: b|slices[0].sources",
                "slices:\\n  - sources:\\n      - model: b\\n        layer_range: [0, 2]\\n      - model: c\\n        layer_range: [0, 3]\\nmerge_method: ties\\nbase_model: b|slices[0].sources[1].layer_range",
                "slices:\\n  - sources:\\n      - model: b\\n        layer_range: [0, 2]\\n      - model: c\\n        layer_range: [0, 2]\\n        parameters: {weight: 1}\\n  - sources:\\n      - model: b\\n        layer_range: [2, 4]\\n      - model: c\\n        layer_range: [2, 4]\\n        parameters: {weight: 2}\\nmerge_method: ties\\nbase_model: b|slices[1].sources[1].parameters",
                "slices:\\n  - sources:\\n      - model: b\\n        layer_range: [0, 2]\\n      - model: c\\n        layer_range: [0, 2]\\n  - sources:\\n      - model: b\\n        layer_range: [2, 4]\\nmerge_method: ties\\nbase_model: b|slices[1].sources",
                "slices:\\n  - sources:\\n      - model: b\\n        layer_range: [0, 2]\\n    base_model: c\\nmerge_method: ties\\nbase_model: b|slices[0].base_model",
                "models:\\n  - model: a\\nslices:\\n  - sources:\\n      - model: a\\nmerge_method: ties\\nbase_model: b|slices",
                "merge_method: karcher\\nmodels:\\n  - model: a\\n    parameters:\\n      weight: 2\\n  - model: c|models[0].parameters.weight",
                "merge_method: linear\\nbase_model: b\\nmodels:\\n  - model: a\\n    parameters:\\n      weight: 1|base_model",
                "merge_method: linear\\nparameters:\\n  normalize: false\\nmodels:\\n  - model: a\\n    parameters:\\n      weight: 1\\n  - model: c\\n    parameters:\\n      weight: 1|parameters.normalize",
                "merge_method: slerp\\nbase_model: b\\nmodels:\\n  - model: a\\n    parameters:\\n      weight: 1|models[0].parameters.weight"
            })
    void unsupportedKeysAndValuesNameTheirYamlPath(String yaml, String path) {
        assertThatThrownBy(() -> READER.read(yaml.replace("\\n", "\n")))
                .isInstanceOf(JobValidationException.class)
                .satisfies(e -> assertThat(((JobValidationException) e)
                                .problems()
                                .getFirst()
                                .field())
                        .isEqualTo(path));
    }
}
