package io.embedmerge.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.storage.DirectFolder;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertOnnxImportTest {

    @TempDir
    Path dir;

    /** Protocol-buffers encoding written from the wire-format description, independent of the reader. */
    private static final class Proto {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            key(field, 0);
            raw(value);
            return this;
        }

        Proto bytes(int field, byte[] value) {
            key(field, 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.out.toByteArray());
        }

        private void key(int field, int wire) {
            raw((long) field << 3 | wire);
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }

    private static Proto floatTensor(String name, long[] dims, float[] values) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 1).string(8, name);
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        return t.bytes(9, raw.array());
    }

    private static float[] ramp(int n, float start) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i;
        }
        return v;
    }

    private static Proto node(String name, String op, List<String> inputs, String output) {
        Proto n = new Proto();
        inputs.forEach(i -> n.string(1, i));
        return n.string(2, output).string(3, name).string(4, op);
    }

    private static Proto constant(String name, float value) {
        Proto attribute =
                new Proto().string(1, "value").message(5, floatTensor("", new long[] {}, new float[] {value}));
        return node(name, "Constant", List.of(), name + "_output_0").message(5, attribute);
    }

    /** A one-layer BERT graph of width 4 with the exporter's naming, and two MatMul weights with known values. */
    private Path tinyModel(boolean withStrayInitializer) throws IOException {
        Proto graph = new Proto();
        graph.message(5, floatTensor("embeddings.word_embeddings.weight", new long[] {5, 4}, ramp(20, 0)));
        graph.message(5, floatTensor("embeddings.position_embeddings.weight", new long[] {6, 4}, ramp(24, 0)));
        graph.message(5, floatTensor("embeddings.token_type_embeddings.weight", new long[] {2, 4}, ramp(8, 0)));
        graph.message(5, floatTensor("encoder.layer.0.attention.self.query.bias", new long[] {4}, ramp(4, 0)));
        graph.message(5, floatTensor("encoder.layer.0.intermediate.dense.bias", new long[] {3}, ramp(3, 0)));
        graph.message(5, floatTensor("onnx::MatMul_7", new long[] {4, 4}, ramp(16, 100))); // query, [in, out]
        graph.message(5, floatTensor("onnx::MatMul_9", new long[] {4, 3}, ramp(12, 200))); // intermediate, [in, out]
        if (withStrayInitializer) {
            graph.message(5, floatTensor("onnx::Stray_1", new long[] {1}, new float[] {1}));
        }
        graph.message(
                1, node("/encoder/layer.0/attention/self/query/MatMul", "MatMul", List.of("x", "onnx::MatMul_7"), "q"));
        graph.message(
                1, node("/encoder/layer.0/intermediate/dense/MatMul", "MatMul", List.of("h", "onnx::MatMul_9"), "i"));
        graph.message(1, constant("/encoder/layer.0/attention/self/Constant_12", (float) Math.sqrt(2)));
        graph.message(
                1,
                node(
                        "/encoder/layer.0/attention/self/Div",
                        "Div",
                        List.of("s", "/encoder/layer.0/attention/self/Constant_12_output_0"),
                        "d"));
        graph.message(1, constant("/embeddings/LayerNorm/Constant_1", 1e-12f));
        graph.message(
                1,
                node(
                        "/embeddings/LayerNorm/Add",
                        "Add",
                        List.of("v", "/embeddings/LayerNorm/Constant_1_output_0"),
                        "a"));
        graph.message(1, node("/encoder/layer.0/intermediate/intermediate_act_fn/Erf", "Erf", List.of("i"), "e"));
        Proto model = new Proto().varint(1, 8).message(7, graph);
        Path file = dir.resolve("tiny-" + withStrayInitializer + ".onnx");
        Files.write(file, model.out.toByteArray());
        return file;
    }

    @Test
    void matMulWeightsAreRenamedFromTheirNodeAndTransposedToOutIn() throws IOException {
        try (BertOnnxImport imported = BertOnnxImport.read(tinyModel(false))) {
            assertThat(imported.config()).isEqualTo(new BertOnnxImport.BertConfig(4, 1, 2, 3, 5, 6, 2, 1e-12, "gelu"));
            Path out = dir.resolve("out");
            imported.write(new DirectFolder(out));
            Map<String, Tensor> tensors = TestSafetensors.read(out.resolve("model.safetensors"));
            Tensor query = tensors.get("encoder.layer.0.attention.self.query.weight");
            assertThat(query.shape()).containsExactly(4, 4);
            // ONNX M[i][o] = 100 + 4i + o  →  HF W[o][i] = M[i][o]
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 4; i++) {
                    assertThat(query.values()[o * 4 + i]).isEqualTo(100 + 4 * i + o);
                }
            }
            Tensor intermediate = tensors.get("encoder.layer.0.intermediate.dense.weight");
            assertThat(intermediate.shape()).containsExactly(3, 4);
            assertThat(intermediate.values()[2 * 4 + 1]).isEqualTo(200 + 3 * 1 + 2);
            assertThat(tensors.get("embeddings.word_embeddings.weight").values())
                    .containsExactly(java.util.stream.IntStream.range(0, 20)
                            .asDoubleStream()
                            .toArray());
            assertThat(Files.readString(out.resolve("config.json")))
                    .contains(
                            "\"num_attention_heads\" : 2", "\"layer_norm_eps\" : 1.0E-12", "\"hidden_act\" : \"gelu\"");
        }
    }

    @Test
    void initializersWithoutAHuggingFaceNameAreRefused() throws IOException {
        Path model = tinyModel(true);
        assertThatThrownBy(() -> BertOnnxImport.read(model))
                .isInstanceOf(OnnxFormatException.class)
                .hasMessageContaining("onnx::Stray_1");
    }

    /** The real all-MiniLM-L6-v2 export: its published configuration must come out of the graph. */
    @Test
    void importsAllMiniLmL6V2FromItsOnnxExport() throws IOException {
        Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertThat(in).as("all-minilm-l6-v2.onnx on the test classpath").isNotNull();
            Files.copy(in, onnx);
        }
        try (BertOnnxImport imported = BertOnnxImport.read(onnx)) {
            // sentence-transformers/all-MiniLM-L6-v2 config.json
            assertThat(imported.config())
                    .isEqualTo(new BertOnnxImport.BertConfig(384, 6, 12, 1536, 30522, 512, 2, 1e-12, "gelu"));
            assertThat(imported.tensors()).hasSize(6 * 16 + 6);
            for (int layer = 0; layer < 6; layer++) {
                String p = "encoder.layer." + layer + ".";
                for (String linear : List.of(
                        "attention.self.query",
                        "attention.self.key",
                        "attention.self.value",
                        "attention.output.dense")) {
                    assertThat(imported.tensors().get(p + linear + ".weight").shape())
                            .containsExactly(384L, 384L);
                }
                assertThat(imported.tensors()
                                .get(p + "intermediate.dense.weight")
                                .shape())
                        .containsExactly(1536L, 384L);
                assertThat(imported.tensors().get(p + "output.dense.weight").shape())
                        .containsExactly(384L, 1536L);
            }
            Path out = dir.resolve("minilm");
            imported.write(new DirectFolder(out));
            Map<String, Tensor> written = TestSafetensors.read(out.resolve("model.safetensors"));
            assertThat(written.get("embeddings.position_ids").longs()[511]).isEqualTo(511);
            assertThat(written.get("encoder.layer.5.output.dense.weight").shape())
                    .containsExactly(384, 1536);
        }
    }
}
