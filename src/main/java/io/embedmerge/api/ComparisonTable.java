package io.embedmerge.api;

import io.embedmerge.api.ComparisonView.Cell;
import io.embedmerge.api.ComparisonView.Row;
import io.embedmerge.eval.Score;
import io.embedmerge.job.EvaluateJobRequest;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.JobStatus;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ModelInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Lays jobs out as a comparison: each job's checkpoint as a row (a merge's output, an evaluate job's checkpoint),
 * preceded by the base and inputs a merge scored with {@code evaluateInputs} the first time their URI comes up (when
 * a succeeded job of the group stands for that checkpoint, its row takes the scores it lacks instead); the union of
 * the evaluation names as columns; each row's average over those columns; the best value per column.
 */
final class ComparisonTable {

    /** The metadata key whose value, when a job has it, labels the job's row. */
    static final String LABEL_KEY = "label";

    private ComparisonTable() {}

    static ComparisonView of(List<JobView> jobs) {
        List<Draft> jobRows = jobs.stream().map(ComparisonTable::rowOf).toList();
        // one row per checkpoint: a base or input whose URI has a row already (a succeeded job's, or an earlier base
        // or input) adds to that row the scores it lacks
        Map<String, Draft> byUri = new HashMap<>();
        for (Draft row : jobRows) {
            if (row.uri != null && row.status == JobStatus.SUCCEEDED) {
                byUri.putIfAbsent(key(row.uri), row);
            }
        }
        List<Draft> drafts = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            for (Draft input : inputsOf(jobs.get(i))) {
                Draft seen = byUri.putIfAbsent(key(input.uri), input);
                if (seen == null) {
                    drafts.add(input);
                } else {
                    input.values.forEach(seen.values::putIfAbsent);
                }
            }
            drafts.add(jobRows.get(i));
        }
        Set<String> columns = new LinkedHashSet<>();
        drafts.forEach(d -> columns.addAll(d.values.keySet()));
        List<Double> averages =
                drafts.stream().map(d -> average(d.values, columns)).toList();
        Double bestAverage = best(averages);
        Map<String, Double> bestValues = new LinkedHashMap<>();
        for (String column : columns) {
            bestValues.put(
                    column, best(drafts.stream().map(d -> d.values.get(column)).toList()));
        }
        List<Row> rows = new ArrayList<>(drafts.size());
        for (int i = 0; i < drafts.size(); i++) {
            Draft d = drafts.get(i);
            Map<String, Cell> cells = new LinkedHashMap<>();
            for (String column : columns) {
                cells.put(column, cell(d.values.get(column), bestValues.get(column)));
            }
            rows.add(new Row(
                    d.label,
                    d.role,
                    d.job,
                    d.kind,
                    d.status,
                    d.uri,
                    d.method,
                    d.coefficients,
                    cells,
                    cell(averages.get(i), bestAverage),
                    d.errorCode,
                    d.metadata));
        }
        return new ComparisonView(List.copyOf(columns), rows);
    }

    /** A row under construction: scores are main values by evaluation name. */
    private record Draft(
            String label,
            String role,
            UUID job,
            String kind,
            JobStatus status,
            String uri,
            JobResult.MethodUsed method,
            JobResult.Coefficients coefficients,
            Map<String, Double> values,
            String errorCode,
            Map<String, String> metadata) {}

    private static Draft rowOf(JobView job) {
        JobResult result = job.status() == JobStatus.SUCCEEDED ? job.result() : null;
        Map<String, Double> values = result == null ? new LinkedHashMap<>() : mains(result.scores());
        String label = job.metadata().get(LABEL_KEY);
        String shortId = job.id().toString().substring(0, 8);
        String role;
        JobResult.MethodUsed method = null;
        JobResult.Coefficients coefficients = null;
        switch (job.request()) {
            case MergeJobRequest merge -> {
                role = ComparisonView.MERGED;
                method = result != null && result.method() != null
                        ? result.method()
                        : new JobResult.MethodUsed(
                                merge.method().name(), merge.method().params());
                coefficients = result == null ? null : result.coefficients();
                label = label != null ? label : shortId + " " + method.name();
            }
            case EvaluateJobRequest evaluate -> {
                role = ComparisonView.EVALUATED;
                label = label != null ? label : shortId + " " + folderName(evaluate.checkpoint());
            }
            default -> {
                role = ComparisonView.OUTPUT;
                label = label != null ? label : shortId + " " + job.kind();
            }
        }
        return new Draft(
                label,
                role,
                job.id(),
                job.kind(),
                job.status(),
                checkpointOf(job),
                method,
                coefficients,
                values,
                job.error() == null ? null : job.error().code(),
                job.metadata());
    }

    /** The base and inputs a merge job scored with evaluateInputs; its own output, last in the list, is its row. */
    private static List<Draft> inputsOf(JobView job) {
        if (job.status() != JobStatus.SUCCEEDED
                || job.result() == null
                || job.result().comparison() == null
                || !(job.request() instanceof MergeJobRequest merge)) {
            return List.of();
        }
        List<JobResult.CheckpointScores> scored = job.result().comparison();
        List<Draft> inputs = new ArrayList<>();
        for (int i = 0; i < scored.size() - 1; i++) {
            JobResult.CheckpointScores checkpoint = scored.get(i);
            boolean base = i == 0;
            String label = base ? folderName(checkpoint.uri()) : inputLabel(merge, i - 1, checkpoint);
            inputs.add(new Draft(
                    label,
                    base ? ComparisonView.BASE : ComparisonView.INPUT,
                    job.id(),
                    job.kind(),
                    job.status(),
                    checkpoint.uri(),
                    null,
                    null,
                    mains(checkpoint.scores()),
                    null,
                    null));
        }
        return inputs;
    }

    private static String inputLabel(MergeJobRequest merge, int index, JobResult.CheckpointScores checkpoint) {
        if (merge.models() == null || index >= merge.models().size()) {
            return checkpoint.checkpoint();
        }
        ModelInput model = merge.models().get(index);
        return model.label() != null ? model.label() : folderName(checkpoint.uri());
    }

    /** The checkpoint a job's row stands for: a merge's or import's output, an evaluate job's input. */
    private static String checkpointOf(JobView job) {
        if (job.request() instanceof EvaluateJobRequest evaluate) {
            return evaluate.checkpoint();
        }
        if (job.result() != null && job.result().output() != null) {
            return job.result().output().uri();
        }
        return job.request() instanceof MergeJobRequest merge ? merge.output() : null;
    }

    private static Map<String, Double> mains(Map<String, Score> scores) {
        Map<String, Double> values = new LinkedHashMap<>();
        if (scores != null) {
            scores.forEach((name, score) -> values.put(name, score.main()));
        }
        return values;
    }

    /** The mean over all columns, or null when the row lacks one (or there are none). */
    private static Double average(Map<String, Double> values, Set<String> columns) {
        if (columns.isEmpty() || !values.keySet().containsAll(columns)) {
            return null;
        }
        double sum = 0;
        for (String column : columns) {
            sum += values.get(column);
        }
        return sum / columns.size();
    }

    private static Double best(List<Double> values) {
        return values.stream()
                .filter(v -> v != null && !v.isNaN())
                .max(Double::compare)
                .orElse(null);
    }

    private static Cell cell(Double value, Double best) {
        return value == null ? Cell.MISSING : new Cell(value, best != null && value == best.doubleValue());
    }

    /** URIs of one folder with and without the trailing slash are the same checkpoint. */
    private static String key(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    static String folderName(String uri) {
        if (uri == null) {
            return "";
        }
        String path = key(uri);
        int slash = path.lastIndexOf('/');
        return slash < 0 || slash == path.length() - 1 ? path : path.substring(slash + 1);
    }
}
