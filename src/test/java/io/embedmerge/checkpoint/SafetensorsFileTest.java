package io.embedmerge.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.support.TestSafetensors;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void writerOutputIsReadByAnIndependentReaderAndByTheServiceReader() throws IOException {
        List<TensorSpec> specs = List.of(
                new TensorSpec("a", DType.F32, List.of(2L, 3L)),
                new TensorSpec("b", DType.BF16, List.of(3L)),
                new TensorSpec("empty", DType.F32, List.of(0L)),
                new TensorSpec("c", DType.F16, List.of(1L, 2L)));
        Path file = dir.resolve("model.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            SafetensorsWriter writer = SafetensorsWriter.start(out, specs, Map.of("format", "pt"));
            writer.writeFloats(new float[] {1, 2, 3}, 3);
            writer.writeFloats(new float[] {4, 5, 6}, 3);
            writer.writeFloats(new float[] {0.5f, -1.5f, 2.25f}, 3);
            writer.writeFloats(new float[] {7, -8}, 2);
            writer.finish();
        }
        assertThat(Files.size(file)).isEqualTo(SafetensorsWriter.fileSize(specs, Map.of("format", "pt")));
        var independent = TestSafetensors.read(file);
        assertThat(independent.get("a").values()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(independent.get("b").values()).containsExactly(0.5, -1.5, 2.25);
        assertThat(independent.get("c").values()).containsExactly(7, -8);
        assertThat(TestSafetensors.metadata(file)).containsEntry("format", "pt");
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertThat(read.tensors().keySet()).containsExactly("a", "b", "empty", "c");
            float[] values = new float[4];
            read.readFloats(read.tensors().get("a"), 2, values, 4);
            assertThat(values).containsExactly(3, 4, 5, 6);
        }
    }

    /** A 2.4 GB tensor in a sparse file: offsets past 2 GiB must work through the memory-mapped reader. */
    @Test
    void tensorsAndFilesOver2GiBAreReadWithLongOffsets() throws IOException {
        long elements = 600_000_000L;
        String header = "{\"small\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"huge\": {\"dtype\": \"F32\", \"shape\": [600000000], \"data_offsets\": [8, " + (8 + elements * 4)
                + "]}}";
        byte[] json = (header + " ".repeat((8 - header.length() % 8) % 8)).getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("huge.safetensors");
        long dataStart = 8 + json.length;
        try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer head =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
            raf.write(head.array());
            raf.write(json);
            raf.setLength(dataStart + 8 + elements * 4);
            long last = elements - 3;
            raf.seek(dataStart + 8 + last * 4);
            ByteBuffer tail = ByteBuffer.allocate(12)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putFloat(1.5f)
                    .putFloat(-2.5f)
                    .putFloat(3.25f);
            raf.write(tail.array());
        }
        assertThat(Files.size(file)).isGreaterThan(1L << 31);
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            TensorInfo huge = read.tensors().get("huge");
            assertThat(huge.elementCount()).isEqualTo(elements);
            assertThat(huge.byteSize()).isGreaterThan(1L << 31);
            float[] values = new float[4];
            read.readFloats(huge, elements - 4, values, 4);
            assertThat(values).containsExactly(0f, 1.5f, -2.5f, 3.25f);
        }
    }

    @Test
    void incompleteTensorsAreRefusedAtFinish() throws IOException {
        try (OutputStream out = Files.newOutputStream(dir.resolve("x.safetensors"))) {
            SafetensorsWriter writer =
                    SafetensorsWriter.start(out, List.of(new TensorSpec("a", DType.F32, List.of(4L))), Map.of());
            writer.writeFloats(new float[] {1, 2}, 2);
            assertThatThrownBy(writer::finish).hasMessageContaining("'a' was not fully written");
        }
    }

    private Path file(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json);
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, buf.array());
        return file;
    }

    private void assertRejected(Path file, String... fragments) {
        assertThatThrownBy(() -> SafetensorsFile.open(file).close())
                .isInstanceOf(CheckpointFormatException.class)
                .message()
                .contains(fragments);
    }

    @Test
    void headerLengthBeyondTheFileIsRejected() throws IOException {
        Path file = dir.resolve("short.safetensors");
        ByteBuffer buf = ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(1000)
                .putLong(0);
        Files.write(file, buf.array());
        assertRejected(file, "short.safetensors", "runs past the end of the file");
    }

    @Test
    void headerOver100MbIsRejectedWithoutReadingIt() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        Files.write(
                file,
                ByteBuffer.allocate(16)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(200L << 20)
                        .array());
        assertRejected(file, "huge.safetensors", "header length");
    }

    @Test
    void unknownDtypeIsRejectedNamingTheTensor() throws IOException {
        assertRejected(
                file("{\"w\": {\"dtype\": \"F12\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4),
                "bad.safetensors",
                "'w'",
                "unknown dtype 'F12'");
    }

    @Test
    void shapeAndByteSizeDisagreementIsRejected() throws IOException {
        assertRejected(
                file("{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}", 12),
                "'w'",
                "12 bytes",
                "needs 16");
    }

    @Test
    void offsetsOutsideTheDataAreRejected() throws IOException {
        assertRejected(
                file("{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 8),
                "'w'",
                "outside the data section");
    }

    @Test
    void overlappingTensorsAreRejected() throws IOException {
        assertRejected(
                file(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                                + "\"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}",
                        12),
                "'a'",
                "'b'",
                "overlap");
    }

    @Test
    void duplicateNamesAreRejected() throws IOException {
        assertRejected(
                file(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                                + "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}",
                        8),
                "bad.safetensors",
                "a");
    }

    @Test
    void malformedJsonIsRejected() throws IOException {
        assertRejected(file("{\"a\": ", 0), "bad.safetensors", "not valid JSON");
    }

    /**
     * Floating tensors are decoded from positional reads through 1 MiB buffers: ranges that span several buffers and
     * start mid-buffer, in every dtype, from several threads at once, give the written values.
     */
    @Test
    void rangesSpanningSeveralReadBuffersDecodeExactlyInEveryDtypeFromSeveralThreads() throws Exception {
        int n = 700_000;
        List<TensorSpec> specs = List.of(
                new TensorSpec("f32", DType.F32, List.of((long) n)),
                new TensorSpec("f16", DType.F16, List.of((long) n)),
                new TensorSpec("bf16", DType.BF16, List.of((long) n)));
        float[] values = new float[n];
        for (int k = 0; k < n; k++) {
            values[k] = k % 256 - 128; // exact in all three dtypes
        }
        Path file = dir.resolve("long.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            SafetensorsWriter writer = SafetensorsWriter.start(out, specs, Map.of());
            for (int t = 0; t < specs.size(); t++) {
                writer.writeFloats(values, n);
            }
            writer.finish();
        }
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            List<java.util.concurrent.Callable<Void>> readers = new java.util.ArrayList<>();
            for (TensorSpec spec : specs) {
                for (int first : new int[] {0, 1, 99_999, n - 600_000}) {
                    readers.add(() -> {
                        float[] dst = new float[600_005];
                        read.readFloats(read.tensors().get(spec.name()), first, dst, 5, 600_000);
                        for (int k = 0; k < 600_000; k++) {
                            if (dst[5 + k] != values[first + k]) {
                                throw new AssertionError(spec.name() + " element " + (first + k) + ": " + dst[5 + k]);
                            }
                        }
                        return null;
                    });
                }
            }
            try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
                for (var done : pool.invokeAll(readers)) {
                    done.get();
                }
            }
        }
    }

    /** A file cut short after it was opened (and its header checked) fails the read naming the tensor. */
    @Test
    void aFileTruncatedAfterOpeningFailsTheReadNamingTheTensor() throws IOException {
        List<TensorSpec> specs = List.of(
                new TensorSpec("first", DType.F32, List.of(4L)), new TensorSpec("last", DType.F32, List.of(1000L)));
        Path file = dir.resolve("cut.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            SafetensorsWriter writer = SafetensorsWriter.start(out, specs, Map.of());
            writer.writeFloats(new float[4], 4);
            writer.writeFloats(new float[1000], 1000);
            writer.finish();
        }
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(Files.size(file) - 400);
            }
            float[] first = new float[4];
            read.readFloats(read.tensors().get("first"), 0, first, 4);
            assertThat(first).containsOnly(0f);
            assertThatThrownBy(() -> read.readFloats(read.tensors().get("last")))
                    .isInstanceOf(CheckpointFormatException.class)
                    .hasMessageContaining("cut.safetensors")
                    .hasMessageContaining("'last'")
                    .hasMessageContaining("changed after it was opened");
        }
    }

    /**
     * An interrupt closes a NIO channel for every thread that reads it; the file is then read from its mapping, with
     * the same values, and the interrupt stays visible to whoever checks for it.
     */
    @Test
    void aThreadInterruptedWhileReadingStillReadsAndOtherReadsGoOn() throws IOException {
        List<TensorSpec> specs = List.of(new TensorSpec("w", DType.BF16, List.of(300_000L)));
        float[] values = new float[300_000];
        for (int k = 0; k < values.length; k++) {
            values[k] = k % 100 - 50;
        }
        Path file = dir.resolve("interrupted.safetensors");
        try (OutputStream out = Files.newOutputStream(file)) {
            SafetensorsWriter writer = SafetensorsWriter.start(out, specs, Map.of());
            writer.writeFloats(values, values.length);
            writer.finish();
        }
        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            TensorInfo w = read.tensors().get("w");
            float[] interrupted = new float[values.length];
            Thread.currentThread().interrupt();
            try {
                read.readFloats(w, 0, interrupted, values.length);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(interrupted).containsExactly(values);
            float[] after = new float[1000];
            read.readFloats(w, 299_000, after, 1000);
            assertThat(after).containsExactly(java.util.Arrays.copyOfRange(values, 299_000, 300_000));
        }
    }
}
