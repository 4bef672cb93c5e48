package io.embedmerge.mergekit;

import io.embedmerge.job.JobValidationException;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ModelInput;
import io.embedmerge.job.OutputDtype;
import io.embedmerge.merge.MethodRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** mergekit configs in the style of mergekit's examples read into merge jobs, written back, and refused with paths. */
class MergekitConfigReaderTest {

    private static final MethodRegistry METHODS = new MethodRegistry();
    private static final MergekitConfigReader READER = new MergekitConfigReader(METHODS);
    private static final MergekitConfigWriter WRITER = new MergekitConfigWriter();

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

    @Test
    void mergekitParameterNamesMapToOurs() {
        assertThat(READER.read(KARCHER).method().params()).containsEntry("maxIter", 20);
        assertThat(READER.read(MULTISLERP).method().params()).containsEntry("normalize", false);
        MergeJobRequest karcher = READER.read(KARCHER);
        assertThat(WRITER.write(karcher, METHODS.validate(METHODS.require("karcher"), karcher.method().params()).values()))
                .contains("max_iter: 20").doesNotContain("maxIter");
    }

    @Test
    void tiesExampleBecomesTheEquivalentJob() {
        MergeJobRequest request = READER.read(TIES);
        assertThat(request.base()).isEqualTo("file:./data/models/base");
        assertThat(request.outputDtype()).isEqualTo(OutputDtype.F16);
        assertThat(request.models()).extracting(ModelInput::uri)
                .containsExactly("file:./data/models/a", "file:./data/models/b", "file:./data/models/c");
        assertThat(request.models().get(0).weight()).isEqualTo(1.0);
        assertThat(request.models().get(0).params()).isEqualTo(Map.of("density", List.of(1, 0.7, 0.1)));
        assertThat(request.models().get(1).params()).containsEntry("weight", List.of(0, 0.3, 0.7, 1));
        // mergekit's semantics: per-tensor statistics
        assertThat(request.method().params()).containsEntry("granularity", "tensor").containsEntry("normalize", true)
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
        assertThat(request.models()).extracting(m -> m.uri())
                .containsExactly("file:./data/models/a", "file:./data/models/b");
        var params = METHODS.validate(METHODS.require("passthrough"), request.method().params());
        assertThat(params.slices("slices")).containsExactly(new io.embedmerge.merge.MethodParams.LayerSlice(0, 0, 4),
                new io.embedmerge.merge.MethodParams.LayerSlice(1, 2, 6),
                new io.embedmerge.merge.MethodParams.LayerSlice(0, 5, 6));
        String written = WRITER.write(request, params.values());
        assertThat(written).contains("layer_range:").doesNotContain("  slices");
        assertThat(METHODS.validate(METHODS.require("passthrough"), READER.read(written).method().params())).isEqualTo(params);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"TIES", "DARE", "PASSTHROUGH", "PASSTHROUGH_STACK", "MODEL_STOCK", "KARCHER", "MULTISLERP"})
    void configsRoundTrip(String example) throws Exception {
        String yaml = (String) MergekitConfigReaderTest.class.getDeclaredField(example).get(null);
        MergeJobRequest first = READER.read(yaml);
        var method = METHODS.require(first.method().name());
        String written = WRITER.write(first, METHODS.validate(method, first.method().params()).values());
        MergeJobRequest again = READER.read(written);
        assertThat(again.base()).isEqualTo(first.base());
        assertThat(again.models()).isEqualTo(first.models());
        assertThat(again.outputDtype()).isEqualTo(first.outputDtype());
        assertThat(METHODS.validate(method, again.method().params()))
                .isEqualTo(METHODS.validate(method, first.method().params()));
        assertThat(WRITER.write(again, METHODS.validate(method, again.method().params()).values())).isEqualTo(written);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
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
            "merge_method: ties\\n  - nonsense: [|$"})
    void unsupportedKeysAndValuesNameTheirYamlPath(String yaml, String path) {
        assertThatThrownBy(() -> READER.read(yaml.replace("\\n", "\n")))
                .isInstanceOf(JobValidationException.class)
                .satisfies(e -> assertThat(((JobValidationException) e).problems().getFirst().field()).isEqualTo(path));
    }
}
