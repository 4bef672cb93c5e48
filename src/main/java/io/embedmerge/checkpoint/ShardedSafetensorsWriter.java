package io.embedmerge.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes tensors in order into Hugging Face shards of at most {@code maxShardBytes} of tensor data each
 * ({@code model-00001-of-0000N.safetensors} plus {@code model.safetensors.index.json}), or into a single
 * {@code model.safetensors} when everything fits. A tensor larger than the limit gets a shard of its own.
 */
public final class ShardedSafetensorsWriter implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<List<TensorSpec>> shards;
    private final List<String> names;
    private final Function<String, OutputStream> open;
    private final Map<String, String> metadata;
    private int shard = -1;
    private OutputStream stream;
    private SafetensorsWriter writer;

    public ShardedSafetensorsWriter(
            List<TensorSpec> tensors,
            long maxShardBytes,
            Map<String, String> metadata,
            Function<String, OutputStream> open) {
        this.shards = split(tensors, maxShardBytes);
        this.names = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            names.add(
                    shards.size() == 1
                            ? Checkpoint.SINGLE_FILE
                            : "model-%05d-of-%05d.safetensors".formatted(i + 1, shards.size()));
        }
        this.open = open;
        this.metadata = metadata;
        nextShard();
    }

    static List<List<TensorSpec>> split(List<TensorSpec> tensors, long maxShardBytes) {
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long bytes = 0;
        for (TensorSpec t : tensors) {
            if (!current.isEmpty() && bytes + t.byteSize() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(t);
            bytes += t.byteSize();
        }
        shards.add(current);
        return shards;
    }

    public int shardCount() {
        return shards.size();
    }

    private void nextShard() {
        closeShard();
        shard++;
        if (shard < shards.size()) {
            stream = open.apply(names.get(shard));
            try {
                writer = SafetensorsWriter.start(stream, shards.get(shard), metadata);
            } catch (RuntimeException e) {
                // the constructor may be failing, so no try-with-resources will close this stream
                closeQuietly(e);
                throw e;
            }
            if (writer.next() == null && shard + 1 < shards.size()) {
                nextShard();
            }
        }
    }

    private void closeShard() {
        if (writer != null) {
            try {
                writer.finish();
            } catch (RuntimeException e) {
                closeQuietly(e);
                throw e;
            }
            writer = null;
            OutputStream done = stream;
            stream = null;
            try {
                done.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void closeQuietly(RuntimeException failure) {
        OutputStream failed = stream;
        stream = null;
        writer = null;
        try {
            failed.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    public void writeFloats(float[] values, int count) {
        writer.writeFloats(values, count);
        advanceIfShardDone();
    }

    public void writeBytes(MemorySegment bytes) {
        writer.writeBytes(bytes);
        advanceIfShardDone();
    }

    private void advanceIfShardDone() {
        if (writer.next() == null && shard + 1 < shards.size()) {
            nextShard();
        }
    }

    /** Closes the last shard and writes the index when there are several shards. */
    public void finish() {
        if (writer != null && writer.next() != null) {
            throw new IllegalStateException("tensor '" + writer.next().name() + "' was not fully written");
        }
        closeShard();
        if (shards.size() > 1) {
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata")
                    .put(
                            "total_size",
                            shards.stream()
                                    .flatMap(List::stream)
                                    .mapToLong(TensorSpec::byteSize)
                                    .sum());
            Map<String, String> weightMap = new TreeMap<>();
            for (int i = 0; i < shards.size(); i++) {
                for (TensorSpec t : shards.get(i)) {
                    weightMap.put(t.name(), names.get(i));
                }
            }
            ObjectNode map = index.putObject("weight_map");
            weightMap.forEach(map::put);
            try (OutputStream out = open.apply(Checkpoint.INDEX_FILE)) {
                out.write(JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(index)
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Closes the open shard, if any; after a failure this releases the file so that it can be deleted. */
    @Override
    public void close() {
        if (stream != null) {
            OutputStream open = stream;
            stream = null;
            writer = null;
            try {
                open.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
