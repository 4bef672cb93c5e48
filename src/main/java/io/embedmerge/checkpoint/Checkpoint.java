package io.embedmerge.checkpoint;

import io.embedmerge.storage.ConfinedFolder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

    private final ConfinedFolder folder;
    private final List<WeightFile> files;
    private final Map<String, WeightFile> fileOfTensor;
    private final Map<String, TensorInfo> tensors;

    private Checkpoint(ConfinedFolder folder, List<WeightFile> files) {
        this.folder = folder;
        this.files = files;
        Map<String, WeightFile> owner = new LinkedHashMap<>();
        Map<String, TensorInfo> all = new TreeMap<>();
        for (WeightFile file : files) {
            for (TensorInfo t : file.tensors().values()) {
                if (owner.putIfAbsent(t.name(), file) != null) {
                    throw new CheckpointFormatException(
                            folder.path().getFileName() + ": tensor '" + t.name() + "' appears in two shards");
                }
                all.put(t.name(), t);
            }
        }
        this.fileOfTensor = owner;
        this.tensors = Collections.unmodifiableMap(all);
    }

    /** Opens a folder that is not user input; its files may not lead out of it. */
    public static Checkpoint open(Path folder) {
        return open(ConfinedFolder.self(folder));
    }

    /**
     * Opens the weights: {@code model.safetensors}, or its index and shards; failing those, a legacy
     * {@code pytorch_model.bin} (or its index and shards), read without executing its pickle. Every file is
     * opened through the confined folder, so none is read from outside the storage roots.
     */
    public static Checkpoint open(ConfinedFolder folder) {
        List<WeightFile> opened = new ArrayList<>();
        try {
            for (String name : weightFiles(folder)) {
                Path file = folder.file(name);
                opened.add(name.endsWith(".safetensors") ? SafetensorsFile.open(file) : TorchZipFile.open(file));
            }
            return new Checkpoint(folder, opened);
        } catch (RuntimeException e) {
            opened.forEach(WeightFile::close);
            throw e;
        }
    }

    private static List<String> weightFiles(ConfinedFolder folder) {
        if (folder.isFile(INDEX_FILE)) {
            return shards(folder, INDEX_FILE, ".safetensors");
        }
        if (folder.isFile(SINGLE_FILE)) {
            return List.of(SINGLE_FILE);
        }
        if (folder.isFile(LEGACY_INDEX_FILE)) {
            return shards(folder, LEGACY_INDEX_FILE, ".bin");
        }
        if (folder.isFile(LEGACY_FILE)) {
            return List.of(LEGACY_FILE);
        }
        throw new CheckpointFormatException(
                "no " + SINGLE_FILE + ", " + INDEX_FILE + " or " + LEGACY_FILE + " in the checkpoint folder");
    }

    private static List<String> shards(ConfinedFolder folder, String indexName, String suffix) {
        JsonNode weightMap;
        try (InputStream in = folder.open(indexName)) {
            weightMap = JSON.readTree(in).path("weight_map");
        } catch (JacksonException e) {
            throw new CheckpointFormatException(indexName + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + indexName, e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new CheckpointFormatException(indexName + " has no 'weight_map' object");
        }
        List<String> shards = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
            JsonNode shard = entry.getValue();
            if (!shard.isString()) {
                throw new CheckpointFormatException(
                        indexName + " maps tensor '" + entry.getKey() + "' to " + shard + ", not to a shard file name");
            }
            String name = shard.asString();
            // a shard is a file of this folder itself, never a path: no '/', '..', absolute names or NULs
            if (name.isEmpty()
                    || name.contains("/")
                    || name.contains("\\")
                    || name.indexOf('\0') >= 0
                    || name.equals("..")
                    || name.equals(".")
                    || !name.endsWith(suffix)) {
                throw new CheckpointFormatException(indexName + " names shard '" + name
                        + "' outside the checkpoint folder or not ending in " + suffix);
            }
            if (!shards.contains(name)) {
                shards.add(name);
            }
        }
        return shards;
    }

    /** The folder, through which its files must be read. */
    public ConfinedFolder folder() {
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
        return folder.files();
    }

    static boolean isWeightFile(String relativeName) {
        return relativeName.endsWith(".safetensors")
                || relativeName.equals(INDEX_FILE)
                || relativeName.startsWith("pytorch_model")
                || relativeName.endsWith(".bin")
                || relativeName.equals("merge-manifest.json");
    }

    @Override
    public void close() {
        files.forEach(WeightFile::close);
    }
}
