package io.embedmerge.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.checkpoint.WeightFile;
import io.embedmerge.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchFolderTest {

    @TempDir
    Path cache;

    @Test
    void tensorsRoundTripExactlyAndTheFolderIsGoneAfterClose() {
        UUID job = UUID.randomUUID();
        float[] floats = {1.5f, -0.0f, Float.MIN_VALUE, 3.4e38f, 7f, 8f};
        double[] doubles = {Math.PI, -1e-300, 1e300, 0.1};
        Path folder;
        try (ScratchFolder scratch = ScratchFolder.create(cache, job, 1)) {
            WeightFile file = scratch.write(
                    "stats",
                    List.of(
                            new TensorSpec("f", DType.F32, List.of(2L, 3L)),
                            new TensorSpec("g", DType.F64, List.of(2L, 2L))),
                    sink -> {
                        sink.put("f", floats);
                        sink.put("g", doubles);
                    });
            float[] read = new float[6];
            file.readFloats(file.tensors().get("f"), 0, read, 6);
            assertThat(read).containsExactly(floats);
            assertThat(ScratchFolder.doubles(file, "g")).containsExactly(doubles);
            folder = file.path().getParent();
            assertThat(folder).exists();
        }
        assertThat(folder).doesNotExist();
    }

    @Test
    void tensorsOutOfOrderAreRefused() {
        try (ScratchFolder scratch = ScratchFolder.create(cache, UUID.randomUUID(), 1)) {
            assertThatThrownBy(() -> scratch.write(
                            "stats",
                            List.of(
                                    new TensorSpec("a", DType.F32, List.of(1L)),
                                    new TensorSpec("b", DType.F32, List.of(1L))),
                            sink -> sink.put("b", new float[] {1})))
                    .hasMessageContaining("'b'")
                    .hasMessageContaining("'a'");
        }
    }

    @Test
    void aLaterAttemptRemovesWhatEarlierAttemptsOfTheSameJobLeft() throws Exception {
        UUID job = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Path root = cache.resolve("scratch");
        Files.createDirectories(root.resolve(job + "-1"));
        Files.writeString(root.resolve(job + "-1").resolve("left.safetensors"), "x");
        Files.createDirectories(root.resolve(other + "-1"));
        try (ScratchFolder ignored = ScratchFolder.create(cache, job, 2)) {
            assertThat(root.resolve(job + "-1")).doesNotExist();
            assertThat(root.resolve(other + "-1")).exists();
        }
    }
}
