package io.embedmerge.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.checkpoint.ShardedSafetensorsWriter;
import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Hardening: when the disk fills up the job fails with DISK_FULL naming the location, and every file handle is
 * closed on the failure path, so deleting the staged output frees the space at once (no "(deleted)" file kept open
 * until a GC, which made the next job fail too).
 */
class DiskFullTest {

    private static final Path MOUNT = Path.of(
            System.getProperty("java.io.tmpdir"),
            "embed-merge-disk-full-" + ProcessHandle.current().pid());
    private static boolean mounted;

    /** Fails with ENOSPC's message once {@code capacity} bytes were written; remembers being closed. */
    private static final class FullDisk extends OutputStream {
        private final long capacity;
        private long written;
        boolean closed;

        FullDisk(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > capacity) {
                throw new IOException("No space left on device");
            }
            written += len;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A staged folder whose files go to simulated disks of the given capacity. */
    private static final class SimulatedFolder extends ChecksummedFolder {
        final long capacity;
        final List<FullDisk> opened = new ArrayList<>();

        SimulatedFolder(long capacity) {
            this.capacity = capacity;
        }

        @Override
        protected OutputStream openStaged(String relativeName) {
            FullDisk disk = new FullDisk(capacity);
            opened.add(disk);
            return disk;
        }

        @Override
        public StorageLocation location() {
            return new StorageLocation.Local(Path.of("/data/outputs/merged"));
        }

        @Override
        public void commit() {}

        @Override
        public void abort() {}
    }

    private static List<TensorSpec> tensors(int count, long elements) {
        List<TensorSpec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            specs.add(new TensorSpec("t" + i, DType.F32, List.of(elements)));
        }
        return specs;
    }

    private static void writeAll(List<TensorSpec> specs, long maxShardBytes, OutputFolder folder) {
        float[] values = new float[1 << 16];
        try (ShardedSafetensorsWriter writer =
                new ShardedSafetensorsWriter(specs, maxShardBytes, Map.of("format", "pt"), folder::create)) {
            for (TensorSpec spec : specs) {
                for (long done = 0; done < spec.elementCount(); done += values.length) {
                    writer.writeFloats(values, (int) Math.min(values.length, spec.elementCount() - done));
                }
            }
            writer.finish();
        }
    }

    @Test
    void everyStreamIsClosedAndTheFailureNamesTheLocation() {
        record Case(String what, int tensors, long elements, long maxShardBytes, long capacity) {}
        List<Case> cases = List.of(
                new Case("the header", 2, 1 << 10, Long.MAX_VALUE, 4),
                new Case("mid-tensor, one file", 3, 1 << 22, Long.MAX_VALUE, 10 << 20),
                new Case("the second shard's header", 4, 1 << 20, 8 << 20, 8 << 20),
                new Case("mid-tensor, third shard", 6, 1 << 20, 8 << 20, 5 << 20));
        for (Case c : cases) {
            SimulatedFolder folder = new SimulatedFolder(c.capacity());
            assertThatThrownBy(() -> writeAll(tensors(c.tensors(), c.elements()), c.maxShardBytes(), folder))
                    .as(c.what())
                    .isInstanceOf(UncheckedIOException.class)
                    .satisfies(e -> assertThat(DiskFull.describe(e))
                            .as(c.what())
                            .hasValueSatisfying(message -> assertThat(message)
                                    .contains("no space left", "/data/outputs/merged", ".safetensors")));
            assertThat(folder.opened)
                    .as(c.what())
                    .isNotEmpty()
                    .allSatisfy(disk -> assertThat(disk.closed).isTrue());
        }
    }

    @Test
    void diskFullIsRecognisedInTheCauses() {
        assertThat(DiskFull.describe(new UncheckedIOException(new IOException("No space left on device"))))
                .hasValueSatisfying(m -> assertThat(m).contains("no space left"));
        assertThat(DiskFull.describe(new UncheckedIOException(
                        new FileSystemException("/cache/x.safetensors", null, "No space left on device"))))
                .hasValueSatisfying(m -> assertThat(m).contains("/cache/x.safetensors"));
        assertThat(DiskFull.describe(new UncheckedIOException(new IOException("Disk quota exceeded"))))
                .isPresent();
        assertThat(DiskFull.describe(new UncheckedIOException(new IOException("Broken pipe"))))
                .isEmpty();
        assertThat(DiskFull.describe(new IllegalStateException("No space left on device")))
                .isEmpty();
    }

    /** A real 2 MiB tmpfs, when this process may mount one (root); skipped elsewhere. */
    @Test
    void aFullTmpfsIsFreedAsSoonAsTheJobFails() throws Exception {
        Files.createDirectories(MOUNT);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", MOUNT.toString())
                .redirectErrorStream(true)
                .start();
        mounted = mount.waitFor(20, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here");
        long free = Files.getFileStore(MOUNT).getUsableSpace();
        LocalObjectStore store = new LocalObjectStore();
        for (int attempt = 0; attempt < 2; attempt++) {
            StorageLocation target = new StorageLocation.Local(MOUNT.resolve("merged"));
            assertThatThrownBy(() -> {
                        try (OutputFolder output = store.createOutput(target)) {
                            writeAll(tensors(3, 1 << 18), Long.MAX_VALUE, output);
                            output.commit();
                        }
                    })
                    .satisfies(e -> assertThat(DiskFull.describe(e))
                            .hasValueSatisfying(m -> assertThat(m).contains("merged")));
            assertThat(openDeletedFiles()).isEmpty();
            try (Stream<Path> left = Files.list(MOUNT)) {
                assertThat(left).isEmpty();
            }
            assertThat(Files.getFileStore(MOUNT).getUsableSpace()).isEqualTo(free);
        }
    }

    private static List<String> openDeletedFiles() throws IOException {
        List<String> deleted = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(MOUNT.toString())
                            || target.endsWith("(deleted)") && target.contains(".tmp-")) {
                        deleted.add(target);
                    }
                } catch (IOException ignored) {
                    // the descriptor was closed while listing
                }
            }
        }
        return deleted;
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", MOUNT.toString()).start().waitFor(20, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(MOUNT);
    }
}
