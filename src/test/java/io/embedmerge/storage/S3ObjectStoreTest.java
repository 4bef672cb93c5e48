package io.embedmerge.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.support.InProcessS3;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The S3 adapter against an in-process S3 server (S3Proxy over an in-memory blob store). */
class S3ObjectStoreTest {

    private static S3Client s3;

    @TempDir
    Path cache;

    @BeforeAll
    static void startS3() {
        s3 = StorageConfiguration.s3Client(new StorageProperties.S3Settings(
                true,
                InProcessS3.endpoint(),
                "us-east-1",
                true,
                InProcessS3.ACCESS_KEY,
                InProcessS3.SECRET_KEY,
                List.of("s3://models/"),
                5 << 20));
        s3.createBucket(b -> b.bucket("models"));
    }

    @AfterAll
    static void closeClient() {
        s3.close();
    }

    private S3ObjectStore store(int partBytes) {
        return new S3ObjectStore(s3, cache, partBytes);
    }

    @Test
    void stagedOutputIsInvisibleUntilCommitAndThenComplete() throws IOException {
        S3ObjectStore store = store(5 << 20);
        StorageLocation.S3 target = new StorageLocation.S3("models", "out/run-1/");
        byte[] big = new byte[(5 << 20) * 2 + 123];
        new Random(1).nextBytes(big);
        OutputFolder folder = store.createOutput(target);
        try (OutputStream out = folder.create("model.safetensors")) {
            out.write(big);
        }
        try (OutputStream out = folder.create("1_Pooling/config.json")) {
            out.write("{}".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(store.exists(target)).isFalse();
        folder.commit();
        assertThat(store.exists(target)).isTrue();
        assertThat(keys("out/"))
                .containsExactlyInAnyOrder("out/run-1/model.safetensors", "out/run-1/1_Pooling/config.json");
        assertThat(s3.getObjectAsBytes(b -> b.bucket("models").key("out/run-1/model.safetensors"))
                        .asByteArray())
                .isEqualTo(big);
        assertThat(folder.files().getFirst().bytes()).isEqualTo(big.length);
    }

    @Test
    void abortLeavesNothingBehind() throws IOException {
        S3ObjectStore store = store(5 << 20);
        StorageLocation.S3 target = new StorageLocation.S3("models", "out/aborted/");
        OutputFolder folder = store.createOutput(target);
        try (OutputStream out = folder.create("model.safetensors")) {
            out.write(new byte[(5 << 20) + 10]);
        }
        OutputStream unfinished = folder.create("half.bin");
        unfinished.write(new byte[(5 << 20) + 10]);
        folder.abort();
        assertThat(keys("out/aborted")).isEmpty();
        assertThat(s3.listMultipartUploads(b -> b.bucket("models")).uploads()).isEmpty();
    }

    @Test
    void commitRefusesAnExistingOutput() throws IOException {
        S3ObjectStore store = store(5 << 20);
        s3.putObject(b -> b.bucket("models").key("out/taken/model.safetensors"), RequestBody.fromString("x"));
        OutputFolder folder = store.createOutput(new StorageLocation.S3("models", "out/taken/"));
        try (OutputStream out = folder.create("model.safetensors")) {
            out.write(1);
        }
        assertThatThrownBy(folder::commit).isInstanceOf(OutputExistsException.class);
        folder.abort();
        assertThat(keys("out/taken")).containsExactly("out/taken/model.safetensors");
    }

    @Test
    void localCopyDownloadsOnceAndRefreshesWhenTheObjectChanges() throws IOException {
        S3ObjectStore store = store(5 << 20);
        s3.putObject(b -> b.bucket("models").key("in/ckpt/config.json"), RequestBody.fromString("v1"));
        s3.putObject(b -> b.bucket("models").key("in/ckpt/1_Pooling/config.json"), RequestBody.fromString("p"));
        StorageLocation.S3 location = new StorageLocation.S3("models", "in/ckpt");
        assertThat(store.exists(location)).isTrue();
        Path local = store.localCopy(location);
        assertThat(Files.readString(local.resolve("config.json"))).isEqualTo("v1");
        assertThat(Files.readString(local.resolve("1_Pooling/config.json"))).isEqualTo("p");
        s3.putObject(b -> b.bucket("models").key("in/ckpt/config.json"), RequestBody.fromString("v2"));
        assertThat(Files.readString(store.localCopy(location).resolve("config.json")))
                .isEqualTo("v2");
        assertThat(store.readText(location.child("config.json"))).contains("v2");
        assertThat(store.readText(location.child("missing.json"))).isEmpty();
    }

    private static List<String> keys(String prefix) {
        return s3.listObjectsV2(b -> b.bucket("models").prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }
}
