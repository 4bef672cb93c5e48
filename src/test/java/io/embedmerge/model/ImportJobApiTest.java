package io.embedmerge.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestSafetensors;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Import jobs for the built-in models, and a merge of the imported real model. */
class ImportJobApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private JsonNode importBuiltin(ApiClient api, String name) {
        ApiClient.Response submitted =
                api.post("/v1/jobs", "{\"kind\": \"import\", \"source\": \"builtin:" + name + "\"}");
        assertThat(submitted.status()).as(submitted.raw().body()).isEqualTo(202);
        JsonNode job = api.awaitTerminal(submitted.body().path("id").asString());
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }

    private static Path folder(JsonNode job) {
        return Path.of(URI.create(job.path("result").path("output").path("uri").asString()));
    }

    @Test
    void importsTheBuiltinModelsAsSentenceTransformersFoldersAndMergesThem() throws IOException {
        ApiClient api = new ApiClient(port);
        Path minilm = folder(importBuiltin(api, "all-minilm-l6-v2"));
        JsonMapper json = JsonMapper.builder().build();
        JsonNode config = json.readTree(minilm.resolve("config.json").toFile());
        assertThat(config.path("num_hidden_layers").asInt()).isEqualTo(6);
        assertThat(config.path("num_attention_heads").asInt()).isEqualTo(12);
        assertThat(json.readTree(minilm.resolve("1_Pooling/config.json").toFile())
                        .path("pooling_mode_mean_tokens")
                        .asBoolean())
                .isTrue();
        assertThat(json.readTree(minilm.resolve("sentence_bert_config.json").toFile())
                        .path("max_seq_length")
                        .asInt())
                .isEqualTo(256);
        assertThat(Files.size(minilm.resolve("tokenizer.json"))).isGreaterThan(100_000);
        assertThat(json.readTree(minilm.resolve("modules.json").toFile()).toString())
                .contains("2_Normalize");
        assertThat(json.readTree(minilm.resolve("tokenizer.json").toFile())
                        .path("truncation")
                        .path("max_length")
                        .asInt())
                .isEqualTo(256);
        assertThat(json.readTree(minilm.resolve("tokenizer_config.json").toFile())
                        .path("model_max_length")
                        .asInt())
                .isEqualTo(256);
        assertThat(minilm.resolve("special_tokens_map.json")).exists();
        assertThat(Files.readAllLines(minilm.resolve("vocab.txt"))).hasSize(30522);

        // bge-small-zh-v1.5's published config: 4 layers, hidden 512, 8 heads, intermediate 2048, vocab 21128
        Path bge = folder(importBuiltin(api, "bge-small-zh-v1.5"));
        JsonNode bgeConfig = json.readTree(bge.resolve("config.json").toFile());
        assertThat(bgeConfig.path("num_hidden_layers").asInt()).isEqualTo(4);
        assertThat(bgeConfig.path("hidden_size").asInt()).isEqualTo(512);
        assertThat(bgeConfig.path("num_attention_heads").asInt()).isEqualTo(8);
        assertThat(bgeConfig.path("intermediate_size").asInt()).isEqualTo(2048);
        assertThat(bgeConfig.path("vocab_size").asInt()).isEqualTo(21128);
        assertThat(json.readTree(bge.resolve("1_Pooling/config.json").toFile())
                        .path("pooling_mode_cls_token")
                        .asBoolean())
                .isTrue();
        // lower-cased as its sentence-transformers configuration says: capitalised English is no longer [UNK]
        assertThat(json.readTree(bge.resolve("tokenizer_config.json").toFile())
                        .path("do_lower_case")
                        .asBoolean())
                .isTrue();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(bge.resolve("tokenizer.json"))) {
            assertThat(Arrays.asList(tokenizer.encode("Hello 世界").getTokens()))
                    .containsExactly("[CLS]", "hello", "世", "界", "[SEP]");
        }

        // a real model merges like any other: a task vector of λ·(θ − θ) = 0 gives back the model
        String merge = """
                {"kind": "merge", "base": "%1$s", "models": [{"uri": "%1$s"}], "method": {"name": "task_arithmetic"}}
                """.formatted(minilm.toUri());
        JsonNode merged =
                api.awaitTerminal(api.post("/v1/jobs", merge).body().path("id").asString());
        assertThat(merged.path("status").asString()).as(merged.toString()).isEqualTo("SUCCEEDED");
        var original = TestSafetensors.read(minilm.resolve("model.safetensors"));
        var result = TestSafetensors.read(folder(merged).resolve("model.safetensors"));
        assertThat(result.keySet()).isEqualTo(original.keySet());
        assertThat(result.get("encoder.layer.3.attention.self.query.weight").values())
                .isEqualTo(original.get("encoder.layer.3.attention.self.query.weight")
                        .values());
        for (String file : List.of(
                "tokenizer.json",
                "tokenizer_config.json",
                "special_tokens_map.json",
                "vocab.txt",
                "sentence_bert_config.json",
                "modules.json",
                "1_Pooling/config.json")) {
            assertThat(Files.readString(folder(merged).resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readString(minilm.resolve(file)));
        }
    }

    @Test
    void unknownSourcesAreRefusedNamingTheField() {
        ApiClient api = new ApiClient(port);
        ApiClient.Response unknown = api.post("/v1/jobs", "{\"kind\": \"import\", \"source\": \"builtin:gpt-5\"}");
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.body().path("errors").get(0).path("field").asString())
                .isEqualTo("source");
        assertThat(unknown.body().path("detail").asString()).contains("builtin:all-minilm-l6-v2");
        ApiClient.Response notOnnx = api.post("/v1/jobs", "{\"kind\": \"import\", \"source\": \"file:./model.bin\"}");
        assertThat(notOnnx.status()).isEqualTo(422);
    }
}
