package io.embedmerge.worker;

import io.embedmerge.checkpoint.SafetensorsFile;
import io.embedmerge.checkpoint.SafetensorsWriter;
import io.embedmerge.checkpoint.TensorInfo;
import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.checkpoint.WeightFile;
import io.embedmerge.tensor.DType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;

/**
 * A job's scratch folder under the cache directory, for statistics of the data-aware methods (Fisher diagonals,
 * Gram matrices, solved weights) that would otherwise sit in the heap once per model. They are written as
 * safetensors and memory-mapped back, so the heap holds one tensor at a time. Deleted on close.
 */
final class ScratchFolder implements AutoCloseable {

    private static final ValueLayout.OfDouble LITTLE_ENDIAN_DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Receives the tensors of a scratch file, in the order of its specs. */
    interface TensorSink {

        void put(String name, float[] values);

        void put(String name, double[] values);
    }

    private final Path folder;
    private final List<WeightFile> opened = new ArrayList<>();

    private ScratchFolder(Path folder) {
        this.folder = folder;
    }

    /**
     * The folder of one attempt of a job. Folders of the job's earlier attempts are deleted: those attempts are
     * over (a later attempt fences them out), and a worker killed mid-job leaves its statistics behind.
     */
    static ScratchFolder create(Path cacheDir, UUID jobId, int attempt) {
        Path root = cacheDir.toAbsolutePath().resolve("scratch");
        String prefix = jobId + "-";
        if (Files.isDirectory(root)) {
            try (Stream<Path> folders = Files.list(root)) {
                folders.filter(f -> f.getFileName().toString().startsWith(prefix))
                        .filter(f -> attemptOf(f, prefix) < attempt)
                        .forEach(ScratchFolder::delete);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ScratchFolder(root.resolve(prefix + attempt));
    }

    private static int attemptOf(Path folder, String prefix) {
        try {
            return Integer.parseInt(folder.getFileName().toString().substring(prefix.length()));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static void delete(Path folder) {
        try {
            FileSystemUtils.deleteRecursively(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code fileName}.safetensors (the folder is created with the first file) with the tensors {@code fill} supplies (F32 or F64 as specified). */
    WeightFile write(String fileName, List<TensorSpec> specs, Consumer<TensorSink> fill) {
        Path path = folder.resolve(fileName + ".safetensors");
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
            SafetensorsWriter writer = SafetensorsWriter.start(out, specs, java.util.Map.of());
            fill.accept(new TensorSink() {
                @Override
                public void put(String name, float[] values) {
                    expect(writer, name, DType.F32).writeFloats(values, values.length);
                }

                @Override
                public void put(String name, double[] values) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment bytes = arena.allocate((long) values.length * Double.BYTES);
                        MemorySegment.copy(values, 0, bytes, LITTLE_ENDIAN_DOUBLE, 0, values.length);
                        expect(writer, name, DType.F64).writeBytes(bytes);
                    }
                }
            });
            writer.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WeightFile file = SafetensorsFile.open(path);
        opened.add(file);
        return file;
    }

    /** The float64 values of a tensor written by {@link TensorSink#put(String, double[])}. */
    static double[] doubles(WeightFile file, String name) {
        TensorInfo tensor = file.tensors().get(name);
        double[] values = new double[Math.toIntExact(tensor.elementCount())];
        MemorySegment.copy(file.bytes(tensor), LITTLE_ENDIAN_DOUBLE, 0, values, 0, values.length);
        return values;
    }

    private static SafetensorsWriter expect(SafetensorsWriter writer, String name, DType dtype) {
        TensorSpec next = writer.next();
        if (next == null || !next.name().equals(name) || next.dtype() != dtype) {
            throw new IllegalStateException("scratch tensor '" + name + "' (" + dtype + ") out of order; expected "
                    + (next == null ? "none" : "'" + next.name() + "' (" + next.dtype() + ")"));
        }
        return writer;
    }

    @Override
    public void close() {
        opened.forEach(WeightFile::close);
        delete(folder);
    }
}
