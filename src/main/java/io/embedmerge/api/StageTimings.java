package io.embedmerge.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Seconds spent per stage, read off a job's event log: waiting in the queue (submitted → started), then each
 * progress stage until the next stage begins or the job ends. A stage entered several times (evaluating the base,
 * each input, the merge) adds up.
 */
record StageTimings(List<Stage> stages) {

    private static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

    record Stage(String name, double seconds) {}

    static StageTimings of(List<JobEventView> events, Instant now) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        String current = null;
        Instant since = null;
        for (JobEventView event : events) {
            String next = switch (event.type()) {
                case "submitted" -> "queued";
                case "started" -> "starting";
                case "progress" -> String.valueOf(event.data().get("stage"));
                default -> TERMINAL.contains(event.type()) ? "" : null;
            };
            if (next == null || next.equals(current)) {
                continue;
            }
            if (current != null) {
                seconds.merge(current, Duration.between(since, event.at()).toNanos() / 1e9, Double::sum);
            }
            current = next.isEmpty() ? null : next;
            since = event.at();
        }
        if (current != null) {
            seconds.merge(current, Duration.between(since, now).toNanos() / 1e9, Double::sum);
        }
        List<Stage> stages = new ArrayList<>();
        seconds.forEach((name, s) -> stages.add(new Stage(name, s)));
        return new StageTimings(stages);
    }
}
