package io.embedmerge.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** An S3 endpoint that refuses connections: every storage call fails with one exception type naming the URI. */
class StorageUnavailableTest {

    private static S3Client s3;

    @TempDir
    static Path root;

    @BeforeAll
    static void clientOfAClosedPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        s3 = StorageConfiguration.s3Client(new StorageProperties.S3Settings(
                true,
                URI.create("http://127.0.0.1:" + port),
                "us-east-1",
                true,
                "key",
                "secret",
                List.of("s3://models/"),
                5 << 20));
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    @Test
    void everyCallNamesTheUnreachableUri() {
        StorageProperties properties = new StorageProperties(
                List.of(root.toString()),
                root.resolve("outputs").toUri().toString(),
                root.resolve("cache").toString(),
                new StorageProperties.S3Settings(
                        true, null, "us-east-1", true, null, null, List.of("s3://models/"), 5 << 20));
        ObjectStorage storage = new ObjectStorage(
                new StorageUris(properties),
                new LocalObjectStore(),
                new S3ObjectStore(s3, root.resolve("cache"), 5 << 20),
                root.resolve("outputs").toUri().toString());
        StorageLocation model = storage.resolve("s3://models/bge/");
        for (Runnable call : List.<Runnable>of(
                () -> storage.exists(model),
                () -> storage.localFolder(model),
                () -> storage.readText(model.child("config.json")))) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("s3://models/bge/")
                    .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((StorageUnavailableException) e).uri())
                            .startsWith("s3://models/bge/"));
        }
    }
}
