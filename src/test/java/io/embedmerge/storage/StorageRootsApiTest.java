package io.embedmerge.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * "Reads and writes stay inside the roots, for every file": symlinks inside checkpoint folders, shard names in
 * indexes, outputs inside inputs, the service's own folders and NUL bytes, each tried in several variants.
 */
class StorageRootsApiTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private static final Path OUTSIDE = outsideFolder();

    private static Path outsideFolder() {
        try {
            return Files.createTempDirectory("outside-roots").toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path checkpoint(long seed) {
        return TestCheckpoints.create(TestCheckpoints.mixedLayout(), seed);
    }

    private static String mergeBody(String base, String model, String output) {
        return """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "linear"}%s}
                """.formatted(base, model, output == null ? "" : ", \"output\": \"" + output + "\"");
    }

    private static List<String> fields(ApiClient.Response response) {
        List<String> fields = new ArrayList<>();
        response.body().path("errors").forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }

    private static String newOutput() {
        return TestCheckpoints.uri(TestEnvironment.storageRoot()
                .resolve("outputs")
                .resolve(UUID.randomUUID().toString()));
    }

    @Test
    void linksLeadingOutOfTheRootsAreRefusedAtSubmitNamingTheFile() throws IOException {
        ApiClient api = new ApiClient(port);
        Path model = checkpoint(2);
        Path outsideWeights = Files.copy(
                checkpoint(3).resolve("model.safetensors"), OUTSIDE.resolve(UUID.randomUUID() + ".safetensors"));
        Path outsideFolder =
                Files.createDirectories(OUTSIDE.resolve(UUID.randomUUID().toString()));
        Files.writeString(outsideFolder.resolve("config.json"), "{}");

        List<java.util.function.Consumer<Path>> attacks = List.of(
                base -> link(base.resolve("passwd.txt"), Path.of("/etc/passwd")),
                base -> replaceWithLink(base.resolve("model.safetensors"), outsideWeights),
                base -> replaceWithLink(base.resolve("1_Pooling/config.json"), Path.of("/etc/hostname")),
                base -> link(base.resolve("tokenizer.json"), outsideFolder.resolve("config.json")),
                base -> link(base.resolve("relative.txt"), base.relativize(outsideFolder.resolve("config.json"))));
        for (var attack : attacks) {
            Path base = checkpoint(1);
            attack.accept(base);
            ApiClient.Response response =
                    api.post("/v1/jobs", mergeBody(TestCheckpoints.uri(base), TestCheckpoints.uri(model), newOutput()));
            assertThat(response.status()).as(response.raw().body()).isEqualTo(422);
            assertThat(fields(response)).containsExactly("base");
        }

        Path linkedModel = checkpoint(4);
        link(linkedModel.resolve("vocab.txt"), Path.of("/etc/passwd"));
        ApiClient.Response asModel = api.post(
                "/v1/jobs",
                mergeBody(TestCheckpoints.uri(checkpoint(5)), TestCheckpoints.uri(linkedModel), newOutput()));
        assertThat(asModel.status()).isEqualTo(422);
        assertThat(fields(asModel)).containsExactly("models[0].uri");
        assertThat(asModel.body().path("errors").get(0).path("message").asString())
                .contains("vocab.txt", "outside");
    }

    @Test
    void linksThatStayInsideTheRootsAreFollowed() throws IOException {
        ApiClient api = new ApiClient(port);
        Path base = checkpoint(1);
        Path elsewhere = checkpoint(6);
        link(base.resolve("vocab.txt"), elsewhere.resolve("config.json"));
        JsonNode job = api.awaitTerminal(
                api.post("/v1/jobs", mergeBody(TestCheckpoints.uri(base), TestCheckpoints.uri(checkpoint(2)), null))
                        .body()
                        .path("id")
                        .asString());
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void indexShardNamesMayNotLeaveTheFolder() throws IOException {
        ApiClient api = new ApiClient(port);
        Path model = checkpoint(2);
        Path outsideShard = Files.copy(
                checkpoint(3).resolve("model.safetensors"), OUTSIDE.resolve(UUID.randomUUID() + ".safetensors"));
        List<String> names = List.of(
                "../" + model.getFileName() + "/model.safetensors",
                outsideShard.toString(),
                "sub/../model.safetensors",
                "./model.safetensors",
                "model.safetensors\\u0000.safetensors");
        for (String name : names) {
            Path base = checkpoint(1);
            Files.writeString(
                    base.resolve("model.safetensors.index.json"),
                    "{\"weight_map\": {\"pooler.dense.bias\": \"" + name + "\"}}");
            JsonNode job = api.awaitTerminal(
                    api.post("/v1/jobs", mergeBody(TestCheckpoints.uri(base), TestCheckpoints.uri(model), null))
                            .body()
                            .path("id")
                            .asString());
            assertThat(job.path("status").asString()).as(name).isEqualTo("FAILED");
            assertThat(job.path("error").path("code").asString()).as(name).isEqualTo("INVALID_CHECKPOINT");
            assertThat(job.path("error").path("message").asString()).as(name).contains("outside the checkpoint folder");
        }
    }

    @Test
    void anOutputMayNotLieInsideOrContainAnInput() throws IOException {
        ApiClient api = new ApiClient(port);
        Path base = checkpoint(1);
        Path model = checkpoint(2);
        Path probeFolder = Files.createDirectories(TestEnvironment.storageRoot()
                .resolve("probes")
                .resolve(UUID.randomUUID().toString()));
        Files.writeString(probeFolder.resolve("pairs.jsonl"), "{\"sentence1\": \"a\", \"sentence2\": \"b\"}\n");
        String baseUri = TestCheckpoints.uri(base);
        String modelUri = TestCheckpoints.uri(model);
        for (String output : List.of(
                baseUri + "sub", baseUri + "1_Pooling/new", modelUri + "x/y", TestCheckpoints.uri(base.getParent()))) {
            ApiClient.Response response = api.post("/v1/jobs", mergeBody(baseUri, modelUri, output));
            assertThat(response.status()).as(output).isEqualTo(422);
            assertThat(fields(response)).as(output).containsExactly("output");
        }
        String probeOutput = TestCheckpoints.uri(probeFolder.resolve("pairs.jsonl")) + "/out";
        ApiClient.Response aroundProbe = api.post("/v1/jobs", """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}], "method": {"name": "self_positioning"},
                 "probe": "%s", "output": "%s"}""".formatted(
                        baseUri, modelUri, TestCheckpoints.uri(probeFolder.resolve("pairs.jsonl")), probeOutput));
        assertThat(aroundProbe.status()).isEqualTo(422);
        assertThat(fields(aroundProbe)).contains("output");
        assertThat(base.resolve("sub")).doesNotExist();
    }

    @Test
    void theServicesOwnFoldersAreNeverInputsOrOutputs() throws IOException {
        ApiClient api = new ApiClient(port);
        Path cache = TestEnvironment.storageRoot().resolve("cache");
        Path cachedCheckpoint = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 7);
        Path inCache = Files.createDirectories(
                cache.resolve("s3").resolve(UUID.randomUUID().toString()));
        Files.move(cachedCheckpoint, inCache.resolve("model"));
        String baseUri = TestCheckpoints.uri(checkpoint(1));
        String modelUri = TestCheckpoints.uri(checkpoint(2));
        for (String output : List.of(
                TestCheckpoints.uri(cache.resolve("evil")),
                TestCheckpoints.uri(cache.resolve("scratch/evil")),
                TestCheckpoints.uri(cache))) {
            ApiClient.Response response = api.post("/v1/jobs", mergeBody(baseUri, modelUri, output));
            assertThat(response.status()).as(output).isEqualTo(422);
            assertThat(fields(response)).as(output).containsExactly("output");
        }
        ApiClient.Response cachedInput =
                api.post("/v1/jobs", mergeBody(TestCheckpoints.uri(inCache.resolve("model")), modelUri, newOutput()));
        assertThat(cachedInput.status()).isEqualTo(422);
        assertThat(fields(cachedInput)).containsExactly("base");
        ApiClient.Response wholeRoot = api.post(
                "/v1/jobs", mergeBody(TestCheckpoints.uri(TestEnvironment.storageRoot()), modelUri, newOutput()));
        assertThat(wholeRoot.status()).isEqualTo(422);
        assertThat(fields(wholeRoot)).containsExactly("base");
    }

    @Test
    void nulBytesAreInvalidRequestsNotServerErrors() {
        ApiClient api = new ApiClient(port);
        String root = TestEnvironment.storageRoot().toUri().toString();
        String baseUri = TestCheckpoints.uri(checkpoint(1));
        String modelUri = TestCheckpoints.uri(checkpoint(2));
        record Case(String base, String output, String field) {}
        for (Case c : List.of(
                new Case(baseUri, root + "a%00b", "output"),
                new Case(baseUri, root + "a\\u0000b", "output"),
                new Case(root + "a%00b", newOutput(), "base"),
                new Case(baseUri + "%00", newOutput(), "base"),
                new Case(baseUri, "file:./data/a%00b", "output"))) {
            ApiClient.Response response = api.post("/v1/jobs", mergeBody(c.base(), modelUri, c.output()));
            assertThat(response.status()).as(c.toString()).isEqualTo(422);
            assertThat(fields(response)).as(c.toString()).contains(c.field());
        }
        ApiClient.Response data = api.post("/v1/jobs", """
                {"kind": "evaluate", "checkpoint": "%s", "evaluation": [{"name": "x", "task": "sts", "data": "%s"}]}""".formatted(baseUri, root + "eval%00.tsv"));
        assertThat(data.status()).isEqualTo(422);
        assertThat(fields(data)).containsExactly("evaluation[0].data");
    }

    private static void link(Path link, Path target) {
        try {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void replaceWithLink(Path file, Path target) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        link(file, target);
    }
}
