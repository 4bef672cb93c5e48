package io.embedmerge.job;

import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MethodRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Which worker pool runs a job: work on the encoder (evaluate, train, data-aware merges and merges with an
 * evaluation) goes to {@code gpu}, the rest to {@code cpu}; {@code merge.jobs.routing.<route>} overrides a route,
 * and a request may name its pool.
 */
@ConfigurationProperties("merge.jobs")
public record PoolRouting(Map<String, String> routing) {

    public static final Set<String> POOLS = Set.of("cpu", "gpu");
    static final Map<String, String> DEFAULTS = Map.of(
            "merge",
            "cpu",
            "merge-encoder",
            "gpu",
            "analyze",
            "cpu",
            "import",
            "cpu",
            "evaluate",
            "gpu",
            "train",
            "gpu");

    public PoolRouting {
        Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
        if (routing != null) {
            routing.forEach((route, pool) -> {
                if (!DEFAULTS.containsKey(route) || !POOLS.contains(pool)) {
                    throw new IllegalArgumentException("merge.jobs.routing." + route + "=" + pool + ": routes are "
                            + DEFAULTS.keySet() + ", pools " + POOLS);
                }
                merged.put(route, pool);
            });
        }
        routing = Map.copyOf(merged);
    }

    String poolOf(JobRequest request, MethodRegistry methods) {
        if (request.pool() != null) {
            return request.pool();
        }
        return routing.get(route(request, methods));
    }

    private static String route(JobRequest request, MethodRegistry methods) {
        if (request instanceof MergeJobRequest merge) {
            boolean evaluates =
                    merge.evaluation() != null && !merge.evaluation().isEmpty();
            boolean dataAware = merge.method() != null
                    && merge.method().name() != null
                    && methods.find(merge.method().name())
                            .map(m -> m.dataNeeds().encoderPass() != DataNeeds.EncoderPass.NONE)
                            .orElse(false);
            return evaluates || dataAware ? "merge-encoder" : "merge";
        }
        return request.kind();
    }
}
