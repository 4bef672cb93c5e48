package io.embedmerge.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageUrisTest {

    @TempDir
    Path tmp;

    private StorageUris uris(Path root, List<String> s3Roots) {
        return new StorageUris(new StorageProperties(
                List.of(root.toString()),
                root.toUri().toString(),
                root.resolve("cache").toString(),
                new StorageProperties.S3Settings(
                        !s3Roots.isEmpty(), null, "us-east-1", true, null, null, s3Roots, 1 << 20)));
    }

    @Test
    void fileUrisInsideTheRootResolve() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        StorageUris uris = uris(root, List.of());
        var location = (StorageLocation.Local)
                uris.parse(root.resolve("models/a").toUri().toString());
        assertThat(location.path()).isEqualTo(root.toRealPath().resolve("models/a"));
    }

    @Test
    void dotDotSegmentsAreRefusedEvenWhenTheyStayInside() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        StorageUris uris = uris(root, List.of());
        assertThatThrownBy(() -> uris.parse("file:" + root + "/models/../models/a"))
                .isInstanceOf(StorageUriException.class)
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> uris.parse("file:" + root + "/../etc/passwd")).isInstanceOf(StorageUriException.class);
    }

    @Test
    void pathsOutsideTheRootsAreRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        StorageUris uris = uris(root, List.of());
        assertThatThrownBy(() -> uris.parse("file:///etc/passwd"))
                .isInstanceOf(StorageUriException.class)
                .hasMessageContaining("outside the allowed local roots");
        assertThatThrownBy(() -> uris.parse("file:" + tmp.resolve("root-sibling")))
                .isInstanceOf(StorageUriException.class)
                .hasMessageContaining("outside");
    }

    @Test
    void symlinksLeadingOutOfTheRootAreRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("secret"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        StorageUris uris = uris(root, List.of());
        assertThatThrownBy(() -> uris.parse(root.resolve("link").toUri().toString()))
                .isInstanceOf(StorageUriException.class)
                .hasMessageContaining("outside");
        assertThatThrownBy(
                        () -> uris.parse(root.resolve("link/new-output").toUri().toString()))
                .isInstanceOf(StorageUriException.class)
                .hasMessageContaining("outside");
    }

    @Test
    void otherSchemesHostsAndBarePathsAreRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        StorageUris uris = uris(root, List.of());
        for (String bad : List.of(
                "http://example.com/model",
                "hf://bert-base",
                "/etc/passwd",
                "relative/path",
                "file://otherhost" + root + "/x",
                "")) {
            assertThatThrownBy(() -> uris.parse(bad)).as(bad).isInstanceOf(StorageUriException.class);
        }
    }

    @Test
    void s3UrisMustBeEnabledAndUnderAConfiguredRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        assertThatThrownBy(() -> uris(root, List.of()).parse("s3://models/a/")).hasMessageContaining("not configured");
        StorageUris uris = uris(root, List.of("s3://models/team-a/"));
        assertThat(uris.parse("s3://models/team-a/bge/")).isEqualTo(new StorageLocation.S3("models", "team-a/bge/"));
        assertThatThrownBy(() -> uris.parse("s3://models/team-b/bge/"))
                .hasMessageContaining("outside the allowed S3 roots");
        assertThatThrownBy(() -> uris.parse("s3://other/team-a/")).hasMessageContaining("outside");
        assertThatThrownBy(() -> uris.parse("s3://models/team-a/../team-b/")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> uris.parse("s3://models/team-a//x")).hasMessageContaining("empty path segment");
        assertThatThrownBy(() -> uris.parse("s3://Bad_Bucket/x")).hasMessageContaining("invalid bucket");
    }

    @Test
    void theServicesOwnFoldersAndNulBytesAreRefused() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        StorageUris uris = new StorageUris(
                new StorageProperties(
                        List.of(root.toString()),
                        root.toUri().toString(),
                        root.resolve("cache").toString(),
                        new StorageProperties.S3Settings(
                                false, null, "us-east-1", true, null, null, List.of(), 1 << 20)),
                List.of(root.resolve("pg")));
        for (String uri : List.of(
                "file:" + root + "/pg/evil",
                "file:" + root + "/pg",
                "file:" + root + "/cache/x",
                "file:" + root + "/cache/scratch/y",
                "file:" + root)) {
            assertThatThrownBy(() -> uris.parse(uri))
                    .as(uri)
                    .isInstanceOf(StorageUriException.class)
                    .hasMessageContaining("own folders");
        }
        for (String uri : List.of("file:" + root + "/a%00b", "file:" + root + "/a\0b", "file:" + root + "/%00")) {
            assertThatThrownBy(() -> uris.parse(uri)).as(uri).isInstanceOf(StorageUriException.class);
        }
        assertThat(uris.parse("file:" + root + "/models/a")).isInstanceOf(StorageLocation.Local.class);
    }
}
