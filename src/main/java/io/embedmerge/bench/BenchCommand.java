package io.embedmerge.bench;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.SyntheticCheckpoints;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeMonitor;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.MethodRegistry;
import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.storage.DirectFolder;
import io.embedmerge.storage.LocalObjectStore;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.storage.StorageLocation;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code java -jar embed-merge.jar bench [--shape tiny|base|large|L,H,I,V] [--models 3] [--dtype f32|f16|bf16]
 * [--methods linear,ties,slerp] [--repeat 3] [--dir DIR] [--keep] [--no-checksum]}: generates BERT-shaped checkpoints, measures the I/O floor
 * (reading every input and writing one output of the same size with plain sequential NIO) and then each method
 * through the streaming executor, and prints wall times, ratios and the process's peak resident memory.
 */
public final class BenchCommand {

    private BenchCommand() {}

    public static void run(String[] args) throws IOException {
        Map<String, String> options = options(args);
        SyntheticCheckpoints.Shape shape = shape(options.getOrDefault("shape", "base"));
        int models = Integer.parseInt(options.getOrDefault("models", "3"));
        DType dtype = DType.valueOf(options.getOrDefault("dtype", "f32").toUpperCase());
        List<String> methods =
                List.of(options.getOrDefault("methods", "linear,ties,slerp").split(","));
        int repeat = Integer.parseInt(options.getOrDefault("repeat", "3"));
        Path dir = Path.of(options.getOrDefault("dir", "./data/bench")).toAbsolutePath();
        Path inputs = dir.resolve("inputs");

        long parameters = SyntheticCheckpoints.parameterCount(shape);
        System.out.printf("shape %s: %.1fM parameters, %d models, %s%n", shape, parameters / 1e6, models, dtype);
        if (!Files.exists(inputs.resolve("model-" + models).resolve(Checkpoint.SINGLE_FILE))) {
            long t0 = System.nanoTime();
            SyntheticCheckpoints.write(inputs, shape, dtype, models, 7);
            System.out.printf("generated inputs in %.1f s%n", seconds(t0));
        }
        List<Path> weightFiles = new ArrayList<>();
        weightFiles.add(inputs.resolve("base").resolve(Checkpoint.SINGLE_FILE));
        for (int i = 1; i <= models; i++) {
            weightFiles.add(inputs.resolve("model-" + i).resolve(Checkpoint.SINGLE_FILE));
        }
        long outputBytes = Files.size(weightFiles.getFirst());
        long inputBytes = weightFiles.stream().mapToLong(BenchCommand::size).sum();
        System.out.printf("inputs %.2f GB, output %.2f GB%n", inputBytes / 1e9, outputBytes / 1e9);

        List<Double> floors = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            flushDirtyPages();
            floors.add(ioFloor(weightFiles, dir.resolve("io-floor.bin"), outputBytes));
        }
        double floor = median(floors);
        System.out.printf(
                "%-10s %8.2f s   median of %s (read %.2f GB + write %.2f GB with sequential NIO)%n",
                "io-floor", floor, format(floors), inputBytes / 1e9, outputBytes / 1e9);

        Map<String, Double> times = new LinkedHashMap<>();
        Map<String, Double> cpuTimes = new LinkedHashMap<>();
        MethodRegistry registry = new MethodRegistry();
        for (String name : methods) {
            MergeMethod method = registry.require(name);
            MethodParams params = registry.validate(method, Map.of());
            List<Double> weights = new ArrayList<>();
            for (int i = 0; i < models; i++) {
                weights.add(1.0);
            }
            List<Double> runs = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (int r = 0; r < repeat; r++) {
                flushDirtyPages();
                double c0 = processCpuSeconds();
                runs.add(mergeOnce(
                        inputs,
                        models,
                        method,
                        params,
                        weights,
                        dir.resolve("out-" + name),
                        options.containsKey("keep") && r == repeat - 1,
                        options.containsKey("no-checksum")));
                cpu.add(processCpuSeconds() - c0);
            }
            double t = median(runs);
            times.put(name, t);
            double c = median(cpu);
            cpuTimes.put(name, c);
            System.out.printf(
                    "%-10s %8.2f s   median of %s, %.2fx io-floor%s%n",
                    name,
                    t,
                    format(runs),
                    t / floor,
                    times.containsKey("linear") && !name.equals("linear")
                            ? String.format("   %.2fx linear", t / times.get("linear"))
                            : "");
            System.out.printf(
                    "%-10s %8.2f s   process CPU (user + sys), median of %s%s%n",
                    "",
                    c,
                    format(cpu),
                    cpuTimes.containsKey("linear") && !name.equals("linear")
                            ? String.format("   %.2fx linear", c / cpuTimes.get("linear"))
                            : "");
        }
        System.out.printf("peak resident memory (VmHWM): %d MB%n", peakResidentKb() / 1024);
    }

    private static double mergeOnce(
            Path inputs,
            int models,
            MergeMethod method,
            MethodParams params,
            List<Double> weights,
            Path out,
            boolean keep,
            boolean noChecksum)
            throws IOException {
        deleteRecursively(out);
        List<Checkpoint> opened = new ArrayList<>();
        long t0 = System.nanoTime();
        try (Checkpoint base = Checkpoint.open(inputs.resolve("base"))) {
            for (int i = 1; i <= models; i++) {
                opened.add(Checkpoint.open(inputs.resolve("model-" + i)));
            }
            try (OutputFolder folder = noChecksum
                    ? new DirectFolder(out)
                    : new LocalObjectStore().createOutput(new StorageLocation.Local(out))) {
                new MergeExecutor()
                        .run(
                                new MergeExecutor.Job(
                                        base,
                                        opened,
                                        method,
                                        params,
                                        weights,
                                        0,
                                        null,
                                        MergeExecutor.DEFAULT_MAX_SHARD_BYTES,
                                        null),
                                folder,
                                new QuietMonitor());
                folder.commit();
            }
        } finally {
            opened.forEach(Checkpoint::close);
        }
        double t = seconds(t0);
        if (!keep) {
            deleteRecursively(out);
        }
        return t;
    }

    /**
     * Writes back the outputs of earlier runs before a timed run (not timed), so that no run pays for the
     * write-back of another. Uses the system's {@code sync}; without it the numbers are only noisier.
     */
    private static void flushDirtyPages() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        } catch (IOException e) {
            // no sync command: measure anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v)).toList().toString();
    }

    /** Reads every input file and writes one file of the output's size, sequentially, with 8 MB buffers. */
    private static double ioFloor(List<Path> inputs, Path output, long outputBytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(8 << 20);
        long t0 = System.nanoTime();
        for (Path in : inputs) {
            try (FileChannel channel = FileChannel.open(in, StandardOpenOption.READ)) {
                while (channel.read(buffer.clear()) > 0) {
                    // discard
                }
            }
        }
        try (FileChannel channel = FileChannel.open(
                output, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < outputBytes; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), outputBytes - written));
                written += channel.write(buffer);
            }
        }
        double t = seconds(t0);
        Files.delete(output);
        return t;
    }

    /**
     * CPU time of the whole process (every thread: merge, hashing, writer, GC, JIT), less sensitive than wall time to
     * other work on a shared machine; -1 where the JVM cannot tell.
     */
    private static double processCpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return -1;
    }

    private static long peakResidentKb() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong)
                    .findFirst()
                    .orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    static SyntheticCheckpoints.Shape shape(String name) {
        return switch (name) {
            case "base" -> new SyntheticCheckpoints.Shape(12, 768, 3072, 30522);
            case "large" -> new SyntheticCheckpoints.Shape(24, 1024, 4096, 30522);
            case "tiny" -> new SyntheticCheckpoints.Shape(2, 64, 256, 1000);
            default -> {
                String[] p = name.split(",");
                yield new SyntheticCheckpoints.Shape(
                        Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
            }
        };
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.put(key, args[++i]);
            } else {
                options.put(key, "true");
            }
        }
        return options;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Prints how long each statistics pass took (the write pass is the rest). */
    private static final class QuietMonitor implements MergeMonitor {
        private final long start = System.nanoTime();
        private long passStart = start;
        private String pass;

        @Override
        public void stage(String name) {
            endPass();
            pass = name;
            passStart = System.nanoTime();
        }

        private void endPass() {
            if (pass != null) {
                System.out.printf("    pass %-16s %6.2f s%n", pass, seconds(passStart));
                pass = null;
            }
        }

        @Override
        public void tensorWritten(String name, int done, int total, long bytesWritten, long totalBytes) {
            endPass();
        }

        @Override
        public void checkpoint() {}
    }
}
