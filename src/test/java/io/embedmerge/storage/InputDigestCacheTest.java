package io.embedmerge.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import io.embedmerge.support.TestCheckpoints;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Input checksums come from the digest cache while a file is unchanged: a second merge of the same inputs hashes
 * nothing, a touched or rewritten file is hashed again, and the manifest's checksums always equal a direct SHA-256.
 */
class InputDigestCacheTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    CachedFileDigests digests;

    @Test
    void secondMergeReadsNoInputForChecksumsAndChangedFilesAreHashedAgain() throws Exception {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 1);
        Path model1 = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 2);
        Path model2 = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 3);
        long allBytes = folderBytes(base) + folderBytes(model1) + folderBytes(model2);

        long before = digests.bytesHashed();
        JsonNode first = merge(base, model1, model2, "linear", "{}");
        assertThat(digests.bytesHashed() - before).isEqualTo(allBytes);
        assertManifestMatchesFiles(first, List.of(base, model1, model2));

        before = digests.bytesHashed();
        JsonNode second = merge(base, model1, model2, "ties", "{\"density\": 0.5}");
        assertThat(digests.bytesHashed() - before)
                .as("second merge of the same inputs")
                .isZero();
        assertManifestMatchesFiles(second, List.of(base, model1, model2));

        Path weights = model1.resolve("model.safetensors");
        Files.setLastModifiedTime(
                weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5_000));
        before = digests.bytesHashed();
        merge(base, model1, model2, "linear", "{}");
        assertThat(digests.bytesHashed() - before).as("only the touched file").isEqualTo(Files.size(weights));

        // same size, modification time set back: the status-change time still tells the new content apart
        Path config = model2.resolve("config.json");
        FileTime modified = Files.getLastModifiedTime(config);
        String text = Files.readString(config);
        Files.writeString(config, text.replace("16", "32"));
        Files.setLastModifiedTime(config, modified);
        before = digests.bytesHashed();
        JsonNode rewritten = merge(base, model1, model2, "linear", "{}");
        assertThat(digests.bytesHashed() - before).as("only the rewritten file").isEqualTo(Files.size(config));
        assertManifestMatchesFiles(rewritten, List.of(base, model1, model2));
    }

    @Test
    void outputsOfThisServiceAreNeverHashedAsInputs() throws Exception {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 11);
        Path model1 = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 12);
        Path model2 = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 13);
        JsonNode merged = merge(base, model1, model2, "linear", "{}");
        Path output = Path.of(
                URI.create(merged.path("result").path("output").path("uri").asString()));
        JsonNode other = merge(base, model2, model1, "ties", "{\"density\": 0.4}");
        Path otherOutput = Path.of(
                URI.create(other.path("result").path("output").path("uri").asString()));

        long before = digests.bytesHashed();
        JsonNode ofOutputs = merge(base, output, otherOutput, "slerp", "{}");
        assertThat(digests.bytesHashed() - before)
                .as("both inputs are outputs this service wrote and checksummed")
                .isZero();
        assertManifestMatchesFiles(ofOutputs, List.of(base, output, otherOutput));

        // a published output changed afterwards is hashed again, and its manifest entry is its new checksum
        Path config = output.resolve("config.json");
        Files.writeString(config, Files.readString(config) + " ");
        before = digests.bytesHashed();
        JsonNode changed = merge(base, output, otherOutput, "linear", "{}");
        assertThat(digests.bytesHashed() - before).isEqualTo(Files.size(config));
        assertManifestMatchesFiles(changed, List.of(base, output, otherOutput));
    }

    private JsonNode merge(Path base, Path model1, Path model2, String method, String params) {
        String body = """
                {"kind": "merge", "base": "%s", "models": [{"uri": "%s"}, {"uri": "%s"}],
                 "method": {"name": "%s", "params": %s}}
                """.formatted(
                TestCheckpoints.uri(base), TestCheckpoints.uri(model1), TestCheckpoints.uri(model2), method, params);
        ApiClient api = new ApiClient(port);
        ApiClient.Response submitted = api.post("/v1/jobs", body);
        assertThat(submitted.status()).as(submitted.raw().body()).isEqualTo(202);
        JsonNode job = api.awaitTerminal(submitted.body().path("id").asString());
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }

    private static void assertManifestMatchesFiles(JsonNode job, List<Path> folders) throws Exception {
        Path output =
                Path.of(URI.create(job.path("result").path("output").path("uri").asString()));
        JsonNode inputs = new tools.jackson.databind.ObjectMapper()
                .readTree(Files.readString(output.resolve("merge-manifest.json")))
                .path("inputs");
        assertThat(inputs.size()).isEqualTo(folders.size());
        for (int i = 0; i < folders.size(); i++) {
            JsonNode files = inputs.get(i).path("files");
            assertThat(files.size()).as("every file of " + folders.get(i)).isEqualTo(fileCount(folders.get(i)));
            for (JsonNode file : files) {
                Path path = folders.get(i).resolve(file.path("name").asString());
                assertThat(file.path("sha256").asString()).as(path.toString()).isEqualTo(sha256(path));
                assertThat(file.path("bytes").asLong()).isEqualTo(Files.size(path));
            }
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static long fileCount(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .count();
        }
    }

    private static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
