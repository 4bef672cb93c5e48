package io.embedmerge.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.CheckpointFormatException;
import io.embedmerge.model.EncoderConfig;
import io.embedmerge.support.TestSafetensors;
import io.embedmerge.support.TestSafetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every file of a checkpoint folder is read only if its real path stays inside the roots, whatever the way in. */
class ConfinedFolderTest {

    @TempDir
    Path tmp;

    private Path root;
    private Path outside;
    private Path folder;
    private Confinement confinement;

    @BeforeEach
    void folders() throws IOException {
        root = Files.createDirectories(tmp.resolve("root")).toRealPath();
        outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
        folder = Files.createDirectories(root.resolve("model"));
        confinement = new Confinement(List.of(root), List.of(root.resolve("cache")));
        weights(folder.resolve("model.safetensors"));
        weights(outside.resolve("model.safetensors"));
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\", \"hidden_size\": 2}");
        Files.writeString(outside.resolve("secret.txt"), "secret");
    }

    private static void weights(Path file) {
        TestSafetensors.write(file, Map.of("w", Tensor.floating("F32", new long[] {2}, new double[] {1, 2})));
    }

    private ConfinedFolder confined() {
        return new ConfinedFolder(folder, confinement);
    }

    @Test
    void namesThatWouldLeaveTheFolderAreRefused() {
        for (String name : List.of(
                "../model/config.json",
                "/etc/passwd",
                "a\0b",
                "",
                "a//b",
                "./config.json",
                "sub/../config.json",
                "a\\b")) {
            assertThatThrownBy(() -> confined().file(name)).as(name).isInstanceOf(ForbiddenPathException.class);
        }
        assertThat(confined().file("config.json")).isEqualTo(folder.resolve("config.json"));
    }

    @Test
    void filesLinkedOutOfTheRootsAreListedButNeverOpened() throws IOException {
        Files.createSymbolicLink(folder.resolve("passwd.txt"), Path.of("/etc/passwd"));
        Files.createDirectories(folder.resolve("1_Pooling"));
        Files.createSymbolicLink(folder.resolve("1_Pooling/config.json"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(folder.resolve("relative.txt"), folder.relativize(outside.resolve("secret.txt")));
        assertThat(confined().files()).contains("passwd.txt", "1_Pooling/config.json", "relative.txt");
        for (String name : List.of("passwd.txt", "1_Pooling/config.json", "relative.txt")) {
            assertThatThrownBy(() -> confined().open(name).close())
                    .as(name)
                    .isInstanceOf(ForbiddenPathException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("outside");
        }
        assertThatThrownBy(() -> confined().checkAllFiles()).isInstanceOf(ForbiddenPathException.class);
        assertThatThrownBy(() -> FileDigests.describe(confined(), "passwd.txt"))
                .isInstanceOf(ForbiddenPathException.class);
        assertThatThrownBy(() -> EncoderConfig.read(confined()))
                .isInstanceOf(ForbiddenPathException.class)
                .hasMessageContaining("1_Pooling/config.json");
    }

    @Test
    void linkedWeightsOutsideTheRootsAreNotMerged() throws IOException {
        Files.delete(folder.resolve("model.safetensors"));
        Files.createSymbolicLink(folder.resolve("model.safetensors"), outside.resolve("model.safetensors"));
        assertThatThrownBy(() -> Checkpoint.open(confined()).close())
                .isInstanceOf(ForbiddenPathException.class)
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void shardsNamedByAnIndexMustBeFilesOfTheFolderInsideTheRoots() throws IOException {
        Files.createSymbolicLink(folder.resolve("model-00001.safetensors"), outside.resolve("model.safetensors"));
        Files.writeString(
                folder.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": {\"w\": \"model-00001.safetensors\"}}");
        assertThatThrownBy(() -> Checkpoint.open(confined()).close())
                .isInstanceOf(ForbiddenPathException.class)
                .hasMessageContaining("model-00001.safetensors");
        for (String shard : List.of(
                "../outside/model.safetensors",
                outside.resolve("model.safetensors").toString(),
                "sub/../model.safetensors",
                "..",
                "model.safetensors\\u0000.safetensors")) {
            Files.writeString(folder.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": {\"w\": \"" + shard + "\"}}");
            assertThatThrownBy(() -> Checkpoint.open(confined()).close())
                    .as(shard)
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("outside the checkpoint folder");
        }
        Files.delete(folder.resolve(Checkpoint.INDEX_FILE));
        Files.writeString(folder.resolve(Checkpoint.LEGACY_INDEX_FILE), "{\"weight_map\": {\"w\": \"../x.bin\"}}");
        Files.delete(folder.resolve("model.safetensors"));
        assertThatThrownBy(() -> Checkpoint.open(confined()).close()).isInstanceOf(CheckpointFormatException.class);
    }

    @Test
    void linksThatStayInsideTheRootsAreFollowed() throws IOException {
        Path other = Files.createDirectories(root.resolve("other"));
        Files.move(folder.resolve("model.safetensors"), other.resolve("weights.safetensors"));
        Files.createSymbolicLink(folder.resolve("model.safetensors"), other.resolve("weights.safetensors"));
        try (Checkpoint checkpoint = Checkpoint.open(confined())) {
            assertThat(checkpoint.tensors()).containsKey("w");
        }
    }

    @Test
    void theServicesOwnFoldersAreOutOfBoundsEvenInsideARoot() throws IOException {
        Path cache = Files.createDirectories(root.resolve("cache"));
        Files.writeString(cache.resolve("state"), "x");
        Files.createSymbolicLink(folder.resolve("state"), cache.resolve("state"));
        assertThatThrownBy(() -> confined().file("state")).isInstanceOf(ForbiddenPathException.class);
        assertThat(confinement.allowsFolder(root)).isFalse();
        assertThat(confinement.allowsFolder(folder)).isTrue();
    }

    @Test
    void aFolderOpenedWithoutRootsIsConfinedToItself() throws IOException {
        Files.createSymbolicLink(folder.resolve("passwd.txt"), outside.resolve("secret.txt"));
        assertThatThrownBy(() -> ConfinedFolder.self(folder).file("passwd.txt"))
                .isInstanceOf(ForbiddenPathException.class);
        assertThat(ConfinedFolder.self(folder).file("config.json")).exists();
    }
}
