package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.api.ComparisonView.Cell;
import io.embedmerge.api.ComparisonView.Row;
import io.embedmerge.job.JobProgress;
import io.embedmerge.job.JobRequest;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The comparison table built from jobs: rows, columns, averages and the best value of each column. */
class ComparisonTableTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A job as GET /v1/jobs/{id} shows it; request and result as the service stores them (JSON). */
    private static JobView job(
            String request, JobStatus status, String result, Map<String, String> metadata, String errorCode) {
        UUID id = UUID.randomUUID();
        JobRequest parsed = JSON.readValue(request, JobRequest.class);
        return new JobView(
                id,
                parsed.kind(),
                status,
                parsed,
                new JobProgress("done", 1.0, null),
                Instant.EPOCH,
                null,
                null,
                result == null ? null : JSON.readValue(result, JobResult.class),
                errorCode == null ? null : new JobView.JobError(errorCode, "failed"),
                1,
                false,
                "cpu",
                null,
                "local",
                "default",
                metadata,
                null);
    }

    private static JobView evaluated(String checkpoint, Map<String, Double> scores) {
        return job(
                "{\"kind\": \"evaluate\", \"checkpoint\": \"" + checkpoint + "\", \"evaluation\": []}",
                JobStatus.SUCCEEDED,
                "{\"scores\": " + scores(scores) + "}",
                Map.of(),
                null);
    }

    private static String scores(Map<String, Double> mains) {
        return mains.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": {\"main\": " + e.getValue() + ", \"metrics\": {}}")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static Map<String, Double> values(Row row) {
        Map<String, Double> values = new LinkedHashMap<>();
        row.scores().forEach((name, cell) -> values.put(name, cell.value()));
        return values;
    }

    @Test
    void marksTheBestOfEachColumnWithTiesAndLeavesMissingScoresBlank() {
        JobView a = evaluated("file:/m/a", Map.of("sts", 80.0, "pairs", 60.0));
        JobView b = evaluated("file:/m/b", Map.of("sts", 80.0, "pairs", 55.5));
        JobView c = evaluated("file:/m/c", Map.of("sts", 70.0));
        JobView failed = job(
                "{\"kind\": \"evaluate\", \"checkpoint\": \"file:/m/d\", \"evaluation\": []}",
                JobStatus.FAILED,
                null,
                Map.of(),
                "INVALID_CHECKPOINT");

        ComparisonView view = ComparisonTable.of(List.of(a, b, c, failed));

        assertThat(view.columns()).containsExactlyInAnyOrder("sts", "pairs");
        List<Row> rows = view.rows();
        assertThat(rows).extracting(Row::job).containsExactly(a.id(), b.id(), c.id(), failed.id());
        assertThat(rows).extracting(Row::role).containsOnly(ComparisonView.EVALUATED);
        assertThat(rows.get(0).scores().get("sts")).isEqualTo(new Cell(80.0, true));
        assertThat(rows.get(1).scores().get("sts")).as("a tie is best too").isEqualTo(new Cell(80.0, true));
        assertThat(rows.get(2).scores().get("sts")).isEqualTo(new Cell(70.0, false));
        assertThat(rows.get(0).scores().get("pairs")).isEqualTo(new Cell(60.0, true));
        assertThat(rows.get(1).scores().get("pairs")).isEqualTo(new Cell(55.5, false));
        assertThat(rows.get(2).scores().get("pairs")).as("no such score").isEqualTo(new Cell(null, false));
        assertThat(rows.get(0).average()).isEqualTo(new Cell((80.0 + 60.0) / 2, true));
        assertThat(rows.get(1).average()).isEqualTo(new Cell((80.0 + 55.5) / 2, false));
        assertThat(rows.get(2).average())
                .as("an average over fewer columns is not comparable")
                .isEqualTo(new Cell(null, false));
        Row failedRow = rows.get(3);
        assertThat(failedRow.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failedRow.errorCode()).isEqualTo("INVALID_CHECKPOINT");
        assertThat(failedRow.uri()).isEqualTo("file:/m/d");
        assertThat(failedRow.scores().values()).containsOnly(new Cell(null, false));
        assertThat(failedRow.average().value()).isNull();
    }

    /** Random tables with ties and gaps, against a reference that scans each column for its maximum. */
    @Test
    void bestAndAverageAgreeWithAReferenceOnRandomTables() {
        Random random = new Random(7);
        List<String> names = List.of("a", "b", "c", "d");
        for (int trial = 0; trial < 300; trial++) {
            List<Map<String, Double>> tables = new ArrayList<>();
            List<JobView> jobs = new ArrayList<>();
            int count = 1 + random.nextInt(8);
            for (int j = 0; j < count; j++) {
                Map<String, Double> scores = new LinkedHashMap<>();
                for (String name : names) {
                    if (random.nextInt(5) > 0) {
                        // few distinct values, so that ties are common; some negative (a Spearman can be)
                        scores.put(name, (random.nextInt(7) - 1) * 12.5);
                    }
                }
                tables.add(scores);
                jobs.add(evaluated("file:/m/" + j, scores));
            }
            ComparisonView view = ComparisonTable.of(jobs);

            Set<String> columns = new LinkedHashSet<>();
            tables.forEach(t -> columns.addAll(t.keySet()));
            assertThat(view.columns()).containsExactlyElementsOf(columns);
            List<Double> averages = new ArrayList<>();
            for (Map<String, Double> t : tables) {
                boolean complete = !columns.isEmpty() && t.keySet().containsAll(columns);
                averages.add(complete ? columns.stream().mapToDouble(t::get).sum() / columns.size() : null);
            }
            for (int j = 0; j < count; j++) {
                Row row = view.rows().get(j);
                assertThat(values(row).entrySet().stream()
                                .filter(e -> e.getValue() != null)
                                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                        .isEqualTo(tables.get(j));
                for (String column : columns) {
                    Double v = tables.get(j).get(column);
                    boolean best = v != null
                            && tables.stream().map(t -> t.get(column)).allMatch(other -> other == null || other <= v);
                    assertThat(row.scores().get(column).best())
                            .as("trial %d row %d %s", trial, j, column)
                            .isEqualTo(best);
                }
                Double average = averages.get(j);
                assertThat(row.average().value()).isEqualTo(average);
                boolean bestAverage = average != null && averages.stream().allMatch(o -> o == null || o <= average);
                assertThat(row.average().best())
                        .as("trial %d row %d average", trial, j)
                        .isEqualTo(bestAverage);
            }
        }
    }

    @Test
    void listsBaseAndInputsOnceByUriBeforeTheMergesThatScoredThem() {
        JobView first = job(
                merge("ties", "file:/m/base", List.of("file:/m/sts", "file:/m/nli"), List.of("sts", "")),
                JobStatus.SUCCEEDED,
                result(
                        "file:/out/1/",
                        List.of("file:/m/base", "file:/m/sts", "file:/m/nli"),
                        List.of(Map.of("sts", 70.0), Map.of("sts", 80.0), Map.of("sts", 75.0)),
                        Map.of("sts", 82.0),
                        "\"method\": {\"name\": \"ties\", \"params\": {\"density\": 0.2}}"),
                Map.of(),
                null);
        // the same base and inputs, written with a trailing slash, also scored on "pairs"
        JobView second = job(
                merge("self_positioning", "file:/m/base/", List.of("file:/m/sts", "file:/m/nli/"), List.of("sts", "")),
                JobStatus.SUCCEEDED,
                result(
                        "file:/out/2/",
                        List.of("file:/m/base/", "file:/m/sts", "file:/m/nli/"),
                        List.of(
                                Map.of("sts", 70.0, "pairs", 50.0),
                                Map.of("sts", 80.0, "pairs", 40.0),
                                Map.of("sts", 75.0, "pairs", 45.0)),
                        Map.of("sts", 83.0, "pairs", 55.0),
                        "\"method\": {\"name\": \"self_positioning\", \"params\": {}}, \"coefficients\": "
                                + "{\"weights\": [0.6, 0.4], \"lambda\": 1.1, \"t\": [0.4], \"c\": [0.6, 0.4]}"),
                Map.of("label", "sp run"),
                null);

        ComparisonView view = ComparisonTable.of(List.of(first, second));

        assertThat(view.rows())
                .extracting(Row::role)
                .containsExactly(
                        ComparisonView.BASE,
                        ComparisonView.INPUT,
                        ComparisonView.INPUT,
                        ComparisonView.MERGED,
                        ComparisonView.MERGED);
        assertThat(view.rows())
                .extracting(Row::label)
                .containsExactly("base", "sts", "nli", first.id().toString().substring(0, 8) + " ties", "sp run");
        assertThat(view.rows())
                .extracting(Row::uri)
                .containsExactly("file:/m/base", "file:/m/sts", "file:/m/nli", "file:/out/1/", "file:/out/2/");
        assertThat(view.rows().subList(0, 4)).extracting(Row::job).containsOnly(first.id());
        assertThat(values(view.rows().get(0)))
                .as("the second merge's pairs score of the same base")
                .isEqualTo(Map.of("sts", 70.0, "pairs", 50.0));
        assertThat(values(view.rows().get(3)))
                .as("the first merge was not scored on pairs")
                .containsEntry("pairs", null);
        Row merged = view.rows().get(4);
        assertThat(merged.method().name()).isEqualTo("self_positioning");
        assertThat(merged.coefficients()).isEqualTo(second.result().coefficients());
        assertThat(merged.metadata()).containsEntry("label", "sp run");
        assertThat(view.rows().get(3).method().params()).containsEntry("density", 0.2);
        assertThat(view.rows().get(3).coefficients()).isNull();
        assertThat(merged.scores().get("sts").best()).isTrue();
        assertThat(merged.average()).isEqualTo(new Cell((83.0 + 55.0) / 2, true));
        assertThat(view.rows().get(3).average().value()).isNull();
    }

    @Test
    void aCheckpointWithAJobOfItsOwnIsNotRepeatedAndUnscoredMergesShowTheirRequest() {
        JobView evaluatedInput = evaluated("file:/m/sts/", Map.of("sts", 81.0));
        JobView merge = job(
                merge("linear", "file:/m/base", List.of("file:/m/sts"), List.of("")),
                JobStatus.SUCCEEDED,
                result(
                        "file:/out/3/",
                        List.of("file:/m/base", "file:/m/sts"),
                        List.of(Map.of("sts", 70.0, "pairs", 30.0), Map.of("sts", 80.5, "pairs", 35.0)),
                        Map.of("sts", 79.0, "pairs", 36.0),
                        "\"method\": {\"name\": \"linear\", \"params\": {\"lambda\": 1.0}}"),
                Map.of(),
                null);
        JobView running = job(
                merge("dare_ties", "file:/m/base", List.of("file:/m/sts"), List.of("")),
                JobStatus.RUNNING,
                null,
                Map.of(),
                null);

        ComparisonView view = ComparisonTable.of(List.of(merge, evaluatedInput, running));

        assertThat(view.rows())
                .extracting(Row::role)
                .containsExactly(
                        ComparisonView.BASE, ComparisonView.MERGED, ComparisonView.EVALUATED, ComparisonView.MERGED);
        assertThat(values(view.rows().get(2)))
                .as("the evaluate job's own sts score, the merge's pairs score")
                .isEqualTo(Map.of("sts", 81.0, "pairs", 35.0));
        assertThat(view.rows().get(2).scores().get("sts")).isEqualTo(new Cell(81.0, true));
        assertThat(view.rows().get(1).scores().get("pairs")).isEqualTo(new Cell(36.0, true));
        Row unscored = view.rows().get(3);
        assertThat(unscored.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(unscored.method().name()).isEqualTo("dare_ties");
        assertThat(unscored.scores().values()).containsOnly(new Cell(null, false));
    }

    private static String merge(String method, String base, List<String> models, List<String> labels) {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            inputs.add("{\"uri\": \"" + models.get(i) + "\""
                    + (labels.get(i).isEmpty() ? "" : ", \"label\": \"" + labels.get(i) + "\"") + "}");
        }
        return """
                {"kind": "merge", "base": "%s", "models": [%s], "method": {"name": "%s"},
                 "evaluation": [{"name": "sts", "task": "sts", "data": "builtin:stsb-en-test"}], "evaluateInputs": true}
                """.formatted(base, String.join(", ", inputs), method);
    }

    /** A merge result with evaluateInputs: base and inputs scored, then the merged output. */
    private static String result(
            String output,
            List<String> inputs,
            List<Map<String, Double>> inputScores,
            Map<String, Double> merged,
            String extra) {
        List<String> comparison = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            comparison.add("{\"checkpoint\": \"" + (i == 0 ? "base" : "models[" + (i - 1) + "]") + "\", \"uri\": \""
                    + inputs.get(i) + "\", \"scores\": " + scores(inputScores.get(i)) + "}");
        }
        comparison.add("{\"checkpoint\": \"merged\", \"uri\": \"" + output + "\", \"scores\": " + scores(merged) + "}");
        return """
                {"output": {"uri": "%s", "files": []}, "scores": %s, "comparison": [%s], %s}
                """.formatted(output, scores(merged), String.join(", ", comparison), extra);
    }
}
