package io.embedmerge.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.support.FloatBits;
import io.embedmerge.support.StoredZip;
import io.embedmerge.tensor.DType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legacy pytorch_model.bin files. The fixture is written by scripts/make_torch_bin_fixture.py in torch.save's zip
 * layout (pickle protocol 2 with persistent storage ids); its values are recomputed here from the script's
 * formulas.
 */
class TorchZipFileTest {

    @TempDir
    Path dir;

    private Path fixtureFolder() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("legacy"));
        try (InputStream in = getClass().getResourceAsStream("/legacy/pytorch_model.bin")) {
            Files.copy(in, folder.resolve("pytorch_model.bin"));
        }
        Files.writeString(folder.resolve("config.json"), "{}");
        return folder;
    }

    private static float[] read(Checkpoint checkpoint, String name) {
        TensorInfo t = checkpoint.tensors().get(name);
        float[] values = new float[(int) t.elementCount()];
        checkpoint.fileOf(name).readFloats(t, 0, values, values.length);
        return values;
    }

    @Test
    void readsTheTensorsOfATorchSaveArchive() throws IOException {
        try (Checkpoint checkpoint = Checkpoint.open(fixtureFolder())) {
            assertThat(checkpoint.tensors().keySet())
                    .containsExactlyInAnyOrder(
                            "encoder.weight",
                            "encoder.bias",
                            "embeddings.weight",
                            "embeddings.position_ids",
                            "view.weight");
            TensorInfo w = checkpoint.tensors().get("encoder.weight");
            assertThat(w.dtype()).isEqualTo(DType.F32);
            assertThat(w.shape()).containsExactly(3L, 4L);
            float[] expectedW = new float[12];
            for (int i = 0; i < 12; i++) {
                expectedW[i] = i / 8f - 1;
            }
            assertThat(read(checkpoint, "encoder.weight")).containsExactly(expectedW);
            assertThat(checkpoint.tensors().get("encoder.bias").dtype()).isEqualTo(DType.F16);
            assertThat(read(checkpoint, "encoder.bias")).containsExactly(0.5f, 1f, 1.5f, 2f);
            assertThat(checkpoint.tensors().get("embeddings.weight").dtype()).isEqualTo(DType.BF16);
            assertThat(read(checkpoint, "embeddings.weight")).containsExactly(0f, -0.25f, -0.5f, -0.75f, -1f, -1.25f);
            assertThat(read(checkpoint, "view.weight"))
                    .containsExactly(expectedW[2], expectedW[3], expectedW[4], expectedW[5]);
            TensorInfo ids = checkpoint.tensors().get("embeddings.position_ids");
            assertThat(ids.dtype()).isEqualTo(DType.I64);
            var bytes = checkpoint.fileOf(ids.name()).bytes(ids);
            for (int i = 0; i < 6; i++) {
                assertThat(bytes.getAtIndex(FloatBits.LONG_LE, i)).isEqualTo(i);
            }
            assertThat(checkpoint.otherFiles()).containsExactly("config.json");
        }
    }

    @Test
    void aLegacyCheckpointMergesIntoSafetensors() throws IOException {
        Path legacy = fixtureFolder();
        Path out = io.embedmerge.support.MergeHarness.merge(
                "task_arithmetic",
                java.util.Map.of("lambda", 2.0),
                List.of(1.0),
                0,
                legacy,
                List.of(legacy),
                null,
                Long.MAX_VALUE);
        var merged = io.embedmerge.support.TestSafetensors.read(out.resolve("model.safetensors"));
        assertThat(merged.get("encoder.bias").dtype()).isEqualTo("F16");
        assertThat(merged.get("encoder.bias").values()).containsExactly(0.5, 1, 1.5, 2);
        assertThat(merged.get("embeddings.position_ids").longs()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(merged.get("view.weight").values()).containsExactly(-0.75, -0.625, -0.5, -0.375);
        assertThat(out.resolve("config.json")).exists();
    }

    private Path archive(byte[] pickle, boolean compressStorage) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("bad-" + System.nanoTime()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            StoredZip.entry(zip, "archive/data.pkl", pickle);
            byte[] storage = new byte[16];
            if (compressStorage) {
                zip.putNextEntry(new ZipEntry("archive/data/0"));
                zip.write(storage);
                zip.closeEntry();
            } else {
                StoredZip.entry(zip, "archive/data/0", storage);
            }
        }
        Files.write(folder.resolve("pytorch_model.bin"), bytes.toByteArray());
        return folder;
    }

    /** Protocol-2 pickle: GLOBAL 'module name', EMPTY_TUPLE, REDUCE, STOP. */
    private static byte[] callingGlobal(String module, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {')', 'R', '.'});
        return out.toByteArray();
    }

    @Test
    void picklesThatWouldRunCodeAreRefusedNamingTheGlobal() throws IOException {
        Path folder = archive(callingGlobal("os", "system"), false);
        assertThatThrownBy(() -> Checkpoint.open(folder))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("pytorch_model.bin")
                .hasMessageContaining("'os.system'")
                .hasMessageContaining("refusing");
        Path builtins = archive(callingGlobal("builtins", "eval"), false);
        assertThatThrownBy(() -> Checkpoint.open(builtins)).hasMessageContaining("'builtins.eval'");
    }

    @Test
    void unknownOpcodesTruncatedPicklesAndNonStateDictsAreClearErrors() throws IOException {
        assertThatThrownBy(() -> Checkpoint.open(archive(new byte[] {(byte) 0x80, 2, 'i', 'x', '\n'}, false)))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("opcode 0x69");
        assertThatThrownBy(() -> Checkpoint.open(archive(new byte[] {(byte) 0x80, 2, '}'}, false)))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("ends before its STOP");
        assertThatThrownBy(() -> Checkpoint.open(archive(new byte[] {(byte) 0x80, 2, ']', '.'}, false)))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("not contain a state dict");
    }

    @Test
    void compressedStoragesAreRefused() throws IOException {
        byte[] pickle = validStateDictPickle();
        assertThatThrownBy(() -> Checkpoint.open(archive(pickle, true)))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("'w'")
                .hasMessageContaining("compressed");
        try (Checkpoint ok = Checkpoint.open(archive(pickle, false))) {
            assertThat(ok.tensors().get("w").shape()).isEqualTo(List.of(4L));
        }
    }

    /** {'w': _rebuild_tensor_v2(persistent(('storage', torch.FloatStorage, '0', 'cpu', 4)), 0, (4,), (1,))}. */
    private static byte[] validStateDictPickle() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, '}'});
        out.writeBytes(new byte[] {'X', 1, 0, 0, 0, 'w'});
        out.writeBytes("ctorch._utils\n_rebuild_tensor_v2\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {'('});
        out.writeBytes(new byte[] {'(', 'X', 7, 0, 0, 0});
        out.writeBytes("storage".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {'X', 1, 0, 0, 0, '0', 'X', 3, 0, 0, 0, 'c', 'p', 'u', 'K', 4, 't', 'Q'});
        out.writeBytes(new byte[] {'K', 0, 'K', 4, (byte) 0x85, 'K', 1, (byte) 0x85, (byte) 0x89, 't', 'R', 's', '.'});
        return out.toByteArray();
    }
}
