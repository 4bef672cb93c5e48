package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageTimingsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private long id;

    private JobEventView event(String type, double atSeconds, String stage) {
        Map<String, Object> data = stage == null ? Map.of() : Map.of("stage", stage, "fraction", 0.5);
        return new JobEventView(++id, type, T0.plusMillis(Math.round(atSeconds * 1000)), data);
    }

    @Test
    void everyStageRunsUntilTheNextOneAndRepeatedStagesAddUp() {
        List<JobEventView> events = List.of(
                event("submitted", 0, null),
                event("started", 0.25, null),
                event("progress", 0.5, "fetching"),
                event("progress", 1.0, "merging"),
                event("progress", 2.0, "merging"),
                event("progress", 3.5, "evaluating"),
                event("progress", 4.0, "publishing"),
                event("progress", 4.5, "evaluating"),
                event("succeeded", 6.0, null));
        StageTimings timings = StageTimings.of(events, T0.plusSeconds(100));
        assertThat(timings.stages())
                .containsExactly(
                        new StageTimings.Stage("queued", 0.25),
                        new StageTimings.Stage("starting", 0.25),
                        new StageTimings.Stage("fetching", 0.5),
                        new StageTimings.Stage("merging", 2.5),
                        new StageTimings.Stage("evaluating", 0.5 + 1.5),
                        new StageTimings.Stage("publishing", 0.5));
    }

    @Test
    void aRunningJobsLastStageRunsUntilNow() {
        List<JobEventView> events =
                List.of(event("submitted", 0, null), event("started", 1, null), event("progress", 2, "merging"));
        StageTimings timings = StageTimings.of(events, T0.plusSeconds(5));
        assertThat(timings.stages().getLast()).isEqualTo(new StageTimings.Stage("merging", 3.0));
    }

    @Test
    void noEventsNoStages() {
        assertThat(StageTimings.of(List.of(), T0).stages()).isEmpty();
    }
}
