package io.embedmerge.checkpoint;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A Hugging Face model folder on local disk: its weights ({@code model.safetensors}, or an index and shards) opened
 * as one name → tensor map, and the other files (config, tokenizer, sentence-transformers files).
 */
public final class Checkpoint implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String LEGACY_FILE = "pytorch_model.bin";
    public static final String LEGACY_INDEX_FILE = "pytorch_model.bin.index.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path folder;
    private final List<WeightFile> files;
    private final Map<String, WeightFile> fileOfTensor;
    private final Map<String, TensorInfo> tensors;

    private Checkpoint(Path folder, List<WeightFile> files) {
        this.folder = folder;
        this.files = files;
        Map<String, WeightFile> owner = new LinkedHashMap<>();
        Map<String, TensorInfo> all = new TreeMap<>();
        for (WeightFile file : files) {
            for (TensorInfo t : file.tensors().values()) {
                if (owner.putIfAbsent(t.name(), file) != null) {
                    throw new CheckpointFormatException(folder.getFileName() + ": tensor '" + t.name()
                            + "' appears in two shards");
                }
                all.put(t.name(), t);
            }
        }
        this.fileOfTensor = owner;
        this.tensors = Collections.unmodifiableMap(all);
    }

    /** True when the folder holds weights this class can open. */
    /**
     * Opens the weights: {@code model.safetensors}, or its index and shards; failing those, a legacy
     * {@code pytorch_model.bin} (or its index and shards), read without executing its pickle.
     */
    public static Checkpoint open(Path folder) {
        List<WeightFile> opened = new ArrayList<>();
        try {
            for (Path file : weightFiles(folder)) {
                opened.add(file.getFileName().toString().endsWith(".safetensors")
                        ? SafetensorsFile.open(file) : TorchZipFile.open(file));
            }
            return new Checkpoint(folder, opened);
        } catch (RuntimeException e) {
            opened.forEach(WeightFile::close);
            throw e;
        }
    }

    private static List<Path> weightFiles(Path folder) {
        if (Files.isRegularFile(folder.resolve(INDEX_FILE))) {
            return shards(folder, INDEX_FILE, ".safetensors");
        }
        if (Files.isRegularFile(folder.resolve(SINGLE_FILE))) {
            return List.of(folder.resolve(SINGLE_FILE));
        }
        if (Files.isRegularFile(folder.resolve(LEGACY_INDEX_FILE))) {
            return shards(folder, LEGACY_INDEX_FILE, ".bin");
        }
        if (Files.isRegularFile(folder.resolve(LEGACY_FILE))) {
            return List.of(folder.resolve(LEGACY_FILE));
        }
        throw new CheckpointFormatException("no " + SINGLE_FILE + ", " + INDEX_FILE + " or " + LEGACY_FILE
                + " in the checkpoint folder");
    }

    private static List<Path> shards(Path folder, String indexName, String suffix) {
        Path index = folder.resolve(indexName);
        {
            JsonNode weightMap;
            try {
                weightMap = JSON.readTree(index.toFile()).path("weight_map");
            } catch (JacksonException e) {
                throw new CheckpointFormatException(indexName + " is not valid JSON: " + e.getOriginalMessage());
            }
            if (!weightMap.isObject() || weightMap.isEmpty()) {
                throw new CheckpointFormatException(indexName + " has no 'weight_map' object");
            }
            List<Path> shards = new ArrayList<>();
            for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
                JsonNode shard = entry.getValue();
                if (!shard.isString()) {
                    throw new CheckpointFormatException(indexName + " maps tensor '" + entry.getKey()
                            + "' to " + shard + ", not to a shard file name");
                }
                Path shardPath = folder.resolve(shard.asString()).normalize();
                if (!shardPath.getParent().equals(folder.normalize()) || !shardPath.toString().endsWith(suffix)) {
                    throw new CheckpointFormatException(indexName + " names shard '" + shard.asString()
                            + "' outside the checkpoint folder or not ending in " + suffix);
                }
                if (!shards.contains(shardPath)) {
                    shards.add(shardPath);
                }
            }
            return shards;
        }
    }

    public Path folder() {
        return folder;
    }

    /** All tensors, sorted by name. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public WeightFile fileOf(String tensorName) {
        return fileOfTensor.get(tensorName);
    }

    /** Relative paths of every file that is not a weight file (config, tokenizer, pooling), sorted. */
    public List<String> otherFiles() {
        return files().stream().filter(name -> !isWeightFile(name)).toList();
    }

    /** Relative paths of all files of the checkpoint, sorted; hidden files (cache bookkeeping) are left out. */
    public List<String> files() {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .filter(name -> !name.startsWith(".") && !name.contains("/."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isWeightFile(String relativeName) {
        return relativeName.endsWith(".safetensors") || relativeName.equals(INDEX_FILE)
                || relativeName.startsWith("pytorch_model") || relativeName.endsWith(".bin")
                || relativeName.equals("merge-manifest.json");
    }

    @Override
    public void close() {
        files.forEach(WeightFile::close);
    }
}
