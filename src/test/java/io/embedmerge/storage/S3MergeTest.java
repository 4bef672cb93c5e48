package io.embedmerge.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.EmbedMergeApplication;
import io.embedmerge.support.ApiClient;
import io.embedmerge.support.InProcessS3;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestEnvironment;
import io.embedmerge.support.TestSafetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/** A merge whose inputs and output are all in S3, through the service's API; credentials never leak. */
@SpringBootTest(classes = EmbedMergeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class S3MergeTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestEnvironment.properties(TestEnvironment.newSchema("test")).forEach((k, v) -> registry.add(k, () -> v));
        registry.add("merge.storage.s3.enabled", () -> "true");
        registry.add("merge.storage.s3.endpoint", () -> InProcessS3.endpoint().toString());
        registry.add("merge.storage.s3.access-key", () -> InProcessS3.ACCESS_KEY);
        registry.add("merge.storage.s3.secret-key", () -> InProcessS3.SECRET_KEY);
        registry.add("merge.storage.s3.roots", () -> "s3://merge-bucket/team/");
        registry.add("merge.storage.s3.part-bytes", () -> String.valueOf(5 << 20));
    }

    @LocalServerPort
    int port;

    private static void upload(S3Client s3, Path folder, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String key = prefix + folder.relativize(file).toString().replace('\\', '/');
                s3.putObject(b -> b.bucket("merge-bucket").key(key), RequestBody.fromFile(file));
            }
        }
    }

    @Test
    void mergesFromS3IntoS3() throws IOException {
        S3Client s3 = StorageConfiguration.s3Client(new StorageProperties.S3Settings(
                true,
                InProcessS3.endpoint(),
                "us-east-1",
                true,
                InProcessS3.ACCESS_KEY,
                InProcessS3.SECRET_KEY,
                List.of(),
                5 << 20));
        s3.createBucket(b -> b.bucket("merge-bucket"));
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 31);
        Path model = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 32);
        upload(s3, base, "team/base/");
        upload(s3, model, "team/model/");

        ApiClient api = new ApiClient(port);
        ApiClient.Response outside = api.post("/v1/jobs", """
                {"kind": "merge", "base": "s3://merge-bucket/other/base/", "models": [{"uri": "s3://merge-bucket/team/model/"}],
                 "method": {"name": "linear"}}""");
        assertThat(outside.status()).isEqualTo(422);
        assertThat(outside.body().path("errors").get(0).path("field").asString())
                .isEqualTo("base");

        String id = api.post("/v1/jobs", """
                {"kind": "merge", "base": "s3://merge-bucket/team/base/", "models": [{"uri": "s3://merge-bucket/team/model/"}],
                 "method": {"name": "task_arithmetic", "params": {"lambda": 0.5}}, "output": "s3://merge-bucket/team/merged/"}
                """).body().path("id").asString();
        JsonNode job = api.awaitTerminal(id);
        assertThat(job.path("status").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("result").path("output").path("uri").asString())
                .isEqualTo("s3://merge-bucket/team/merged/");

        List<String> keys = s3.listObjectsV2(b -> b.bucket("merge-bucket").prefix("team/")).contents().stream()
                .map(o -> o.key())
                .filter(k -> k.startsWith("team/merged"))
                .toList();
        assertThat(keys)
                .containsExactlyInAnyOrder(
                        "team/merged/model.safetensors",
                        "team/merged/config.json",
                        "team/merged/1_Pooling/config.json",
                        "team/merged/merge-manifest.json");

        Path downloaded = Files.createTempFile("merged", ".safetensors");
        Files.write(
                downloaded,
                s3.getObjectAsBytes(b -> b.bucket("merge-bucket").key("team/merged/model.safetensors"))
                        .asByteArray());
        var merged = TestSafetensors.read(downloaded);
        var b = TestSafetensors.read(base.resolve("model.safetensors"));
        var m = TestSafetensors.read(model.resolve("model.safetensors"));
        double[] expected = b.get("embeddings.word_embeddings.weight").values().clone();
        for (int j = 0; j < expected.length; j++) {
            expected[j] += 0.5 * (m.get("embeddings.word_embeddings.weight").values()[j] - expected[j]);
        }
        double[] got = merged.get("embeddings.word_embeddings.weight").values();
        for (int j = 0; j < expected.length; j++) {
            assertThat(got[j]).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-6));
        }
        String everything =
                job.toString() + api.get("/v1/jobs/" + id + "/events").body();
        assertThat(everything).doesNotContain(InProcessS3.SECRET_KEY).doesNotContain(InProcessS3.ACCESS_KEY);
    }
}
