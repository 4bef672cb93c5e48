package io.embedmerge.support;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MergeMonitor;
import io.embedmerge.merge.MethodRegistry;
import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.storage.DirectFolder;
import io.embedmerge.support.TestSafetensors.Tensor;
import io.embedmerge.tensor.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the streaming merge executor directly (no HTTP) on checkpoint folders and reads the result back. */
public final class MergeHarness {

    private static final MethodRegistry METHODS = new MethodRegistry();

    private MergeHarness() {}

    /** Merges into a new folder under the storage root and returns it. */
    public static Path merge(
            String method,
            Map<String, Object> params,
            List<Double> weights,
            long seed,
            Path base,
            List<Path> models,
            DType outputDtype,
            long maxShardBytes) {
        return merge(method, params, null, weights, seed, base, models, outputDtype, maxShardBytes);
    }

    /** As above, with per-model parameters ({@code models[i].params}; null for none). */
    public static Path merge(
            String method,
            Map<String, Object> params,
            List<Map<String, Object>> modelParams,
            List<Double> weights,
            long seed,
            Path base,
            List<Path> models,
            DType outputDtype,
            long maxShardBytes) {
        MergeMethod m = METHODS.require(method);
        var resolved = METHODS.validate(m, params);
        var perModel = METHODS.validateModelParams(
                m, modelParams == null ? java.util.Collections.nCopies(weights.size(), null) : modelParams);
        METHODS.validateWeights(m, resolved, perModel, weights);
        Path out = TestEnvironment.storageRoot()
                .resolve("harness")
                .resolve(UUID.randomUUID().toString());
        List<Checkpoint> opened = new ArrayList<>();
        try (Checkpoint b = Checkpoint.open(base)) {
            for (Path p : models) {
                opened.add(Checkpoint.open(p));
            }
            new MergeExecutor()
                    .run(
                            new MergeExecutor.Job(
                                    b,
                                    opened,
                                    m,
                                    resolved,
                                    weights,
                                    seed,
                                    outputDtype,
                                    maxShardBytes,
                                    null,
                                    false,
                                    perModel),
                            new DirectFolder(out),
                            MergeMonitor.NONE);
        } finally {
            opened.forEach(Checkpoint::close);
        }
        return out;
    }

    /** Merges with float32 output, so results can be compared with a float64 reference at 1e-6. */
    public static Map<String, Tensor> mergeAndRead(
            String method, Map<String, Object> params, List<Double> weights, Path base, List<Path> models) {
        return read(merge(method, params, weights, 0, base, models, DType.F32, MergeExecutor.DEFAULT_MAX_SHARD_BYTES));
    }

    /** All tensors of a folder, through the index when the weights are sharded. */
    public static Map<String, Tensor> read(Path folder) {
        Path index = folder.resolve("model.safetensors.index.json");
        if (!Files.exists(index)) {
            return TestSafetensors.read(folder.resolve("model.safetensors"));
        }
        JsonNode map = JsonMapper.builder().build().readTree(index.toFile()).path("weight_map");
        Map<String, Tensor> all = new LinkedHashMap<>();
        map.valueStream()
                .map(JsonNode::asString)
                .distinct()
                .forEach(file -> all.putAll(TestSafetensors.read(folder.resolve(file))));
        return all;
    }
}
