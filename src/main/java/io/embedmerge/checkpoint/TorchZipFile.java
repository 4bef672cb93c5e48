package io.embedmerge.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A legacy {@code pytorch_model.bin} ({@code torch.save} zip format): the pickle is read by
 * {@link RestrictedUnpickler}, which never executes code, and each tensor is located inside its uncompressed
 * storage entry, so the file is read like safetensors.
 */
public final class TorchZipFile extends WeightFile {

    private static final long MAX_PICKLE_BYTES = 100L * 1024 * 1024;

    private TorchZipFile(
            Path path, Arena arena, FileChannel channel, MemorySegment segment, Map<String, TensorInfo> tensors) {
        super(path, arena, channel, segment, tensors);
    }

    public static TorchZipFile open(Path path) {
        String file = path.getFileName().toString();
        Map<String, TensorInfo> tensors;
        try (ZipFile zip = ZipFile.builder().setPath(path).get()) {
            ZipArchiveEntry pickle = null;
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (entry.getName().equals("data.pkl") || entry.getName().endsWith("/data.pkl")) {
                    pickle = entry;
                }
            }
            if (pickle == null) {
                throw new CheckpointFormatException(file + ": not a torch.save zip archive (no data.pkl)");
            }
            if (pickle.getSize() > MAX_PICKLE_BYTES) {
                throw new CheckpointFormatException(file + ": data.pkl is over " + MAX_PICKLE_BYTES + " bytes");
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(pickle)) {
                bytes = in.readNBytes((int) pickle.getSize());
            }
            String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            tensors = locate(file, zip, prefix, RestrictedUnpickler.stateDict(bytes, file));
        } catch (IOException e) {
            throw new CheckpointFormatException(file + ": not a readable zip archive: " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new TorchZipFile(path, arena, channel, segment, tensors);
        } catch (IOException e) {
            closeQuietly(channel, arena);
            throw new CheckpointFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, TensorInfo> locate(
            String file, ZipFile zip, String prefix, Map<String, RestrictedUnpickler.TensorRef> refs) {
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, RestrictedUnpickler.TensorRef> e : refs.entrySet()) {
            String name = e.getKey();
            RestrictedUnpickler.TensorRef ref = e.getValue();
            String where = file + ": tensor '" + name + "'";
            ZipArchiveEntry storage =
                    zip.getEntry(prefix + "data/" + ref.storage().key());
            if (storage == null) {
                throw new CheckpointFormatException(
                        where + " refers to storage '" + ref.storage().key() + "' that is not in the archive");
            }
            if (storage.getMethod() != ZipArchiveEntry.STORED) {
                throw new CheckpointFormatException(where + " is stored compressed; torch.save writes storages "
                        + "uncompressed, so this archive was repacked");
            }
            if (!contiguous(ref.shape(), ref.stride())) {
                throw new CheckpointFormatException(
                        where + " is not contiguous (shape " + ref.shape() + ", stride " + ref.stride() + ")");
            }
            TensorBytes bytes = TensorBytes.of(
                    where,
                    ref.offset(),
                    ref.shape(),
                    ref.storage().dtype().byteSize(),
                    storage.getDataOffset(),
                    storage.getSize());
            tensors.put(name, new TensorInfo(name, ref.storage().dtype(), ref.shape(), bytes.begin(), bytes.end()));
        }
        return Collections.unmodifiableMap(tensors);
    }

    private static boolean contiguous(List<Long> shape, List<Long> stride) {
        if (shape.size() != stride.size()) {
            return false;
        }
        long expected = 1;
        for (int i = shape.size() - 1; i >= 0; i--) {
            if (shape.get(i) != 1 && stride.get(i) != expected) {
                return false;
            }
            if (shape.get(i) < 0) {
                return false;
            }
            try {
                expected = Math.multiplyExact(expected, shape.get(i));
            } catch (ArithmeticException e) {
                return false;
            }
        }
        return true;
    }
}
