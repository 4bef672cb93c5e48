package io.embedmerge.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.support.StoredZip;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hardening: offsets and sizes computed from untrusted numbers never wrap around. A legacy .bin whose storage
 * offset is near 2^62 used to wrap into the zip headers and pass the bounds check; safetensors offsets and shapes
 * beyond 64 bits used to escape as untyped exceptions. Each is a {@link CheckpointFormatException} naming the
 * file and tensor.
 */
class UntrustedOffsetsTest {

    @TempDir
    Path dir;

    /** LONG1 with 8 bytes: any 64-bit value. */
    private static byte[] long8(long value) {
        return ByteBuffer.allocate(10)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0x8a)
                .put((byte) 8)
                .putLong(value)
                .array();
    }

    /**
     * {'w': _rebuild_tensor_v2(persistent(('storage', FloatStorage, '0', 'cpu', 4)), offset, (shape,), (1,))},
     * the storage holding 16 bytes.
     */
    private Path torchArchive(long offset, long shape) throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2, '}', 'X', 1, 0, 0, 0, 'w'});
        p.writeBytes("ctorch._utils\n_rebuild_tensor_v2\n(".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[] {'(', 'X', 7, 0, 0, 0});
        p.writeBytes("storagectorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes(new byte[] {'X', 1, 0, 0, 0, '0', 'X', 3, 0, 0, 0, 'c', 'p', 'u', 'K', 4, 't', 'Q'});
        p.writeBytes(long8(offset));
        p.writeBytes(long8(shape));
        p.writeBytes(new byte[] {(byte) 0x85, 'K', 1, (byte) 0x85, (byte) 0x89, 't', 'R', 's', '.'});
        Path folder = Files.createDirectories(dir.resolve("bin-" + System.nanoTime()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            StoredZip.entry(zip, "archive/data.pkl", p.toByteArray());
            StoredZip.entry(zip, "archive/data/0", new byte[] {
                0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, (byte) 0x80, 0x40
            });
        }
        Files.write(folder.resolve("pytorch_model.bin"), bytes.toByteArray());
        return folder;
    }

    @Test
    void torchStorageOffsetsAndShapesThatOverflowAreRefused() throws IOException {
        try (Checkpoint ok = Checkpoint.open(torchArchive(1, 3))) {
            float[] values = new float[3];
            ok.fileOf("w").readFloats(ok.tensors().get("w"), 0, values, 3);
            assertThat(values).containsExactly(2f, 3f, 4f);
        }
        long twoTo62 = 1L << 62;
        List<long[]> bad = List.of(
                new long[] {twoTo62, 1}, // 2^62 * 4 wraps to 0: the storage's own first bytes
                new long[] {twoTo62 - 16, 4}, // wraps 64 bytes back, into the zip headers
                new long[] {Long.MAX_VALUE, 1},
                new long[] {-1, 4},
                new long[] {0, 1L << 61}, // 2^61 elements * 4 bytes wraps to 2^63
                new long[] {0, -4},
                new long[] {3, 2}); // no overflow, just past the end
        for (long[] offsetAndShape : bad) {
            Path folder = torchArchive(offsetAndShape[0], offsetAndShape[1]);
            assertThatThrownBy(() -> Checkpoint.open(folder))
                    .as("offset %d, shape %d", offsetAndShape[0], offsetAndShape[1])
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("pytorch_model.bin")
                    .hasMessageContaining("'w'");
        }
    }

    private Path safetensors(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        Path file = dir.resolve("model-" + System.nanoTime() + ".safetensors");
        Files.write(file, buffer.array());
        return file;
    }

    @Test
    void safetensorsOffsetsAndShapesBeyond64BitsAreRefused() throws IOException {
        List<String> bad = List.of(
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [9223372036854775808, 9223372036854775812]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 18446744073709551620]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [9223372036854775808], \"data_offsets\": [0, 4]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 16]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [2305843009213693952], \"data_offsets\": [0, 0]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}",
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [9223372036854775807, 3]}}");
        for (String header : bad) {
            Path file = safetensors(header, 16);
            assertThatThrownBy(() -> SafetensorsFile.open(file))
                    .as(header)
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining(file.getFileName().toString())
                    .hasMessageContaining("'w'");
        }
        Path fine = safetensors("{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 16]}}", 16);
        try (SafetensorsFile file = SafetensorsFile.open(fine)) {
            assertThat(file.tensors().get("w").byteSize()).isEqualTo(16);
        }
    }

    @Test
    void exactPositionsRejectWhatWouldWrap() {
        assertThat(TensorBytes.of("f: tensor 'w'", 2, List.of(2L, 1L), 4, 100, 16))
                .isEqualTo(new TensorBytes(108, 116));
        assertThatThrownBy(() -> TensorBytes.of("f: tensor 'w'", 1L << 62, List.of(1L), 4, 100, 16))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("overflows 64 bits");
        assertThatThrownBy(() -> TensorBytes.of("f: tensor 'w'", 0, List.of(1L), 4, Long.MAX_VALUE - 2, 16))
                .isInstanceOf(CheckpointFormatException.class)
                .hasMessageContaining("f: tensor 'w'");
    }
}
