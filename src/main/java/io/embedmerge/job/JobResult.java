package io.embedmerge.job;

import io.embedmerge.analysis.TaskVectorReport;
import io.embedmerge.eval.Score;
import io.embedmerge.storage.StoredFile;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** What a finished job produced; each kind fills its own fields. */
public record JobResult(
        @Schema(description = "merge, import: the published checkpoint folder") Output output,
        @Schema(description = "analyze: task-vector statistics") TaskVectorReport analysis,
        @Schema(description = "evaluate, merge with evaluation: score per evaluation name") Map<String, Score> scores,
        @Schema(description = "Mean of the main scores") Double averageScore,
        @Schema(description = "merge with evaluateInputs: the same scores for the base, each input and the merged output")
        List<CheckpointScores> comparison,
        @Schema(description = "self_positioning: the learned coefficients") Coefficients coefficients,
        @Schema(description = "self_positioning: the probe loss after each step") List<Double> lossCurve,
        @Schema(description = "train: each run's folder (inside output) and loss curve") List<TrainingRun> runs,
        @Schema(description = "merge: the method with every parameter (defaults filled in), as merge-manifest.json "
                + "records it") MethodUsed method,
        @Schema(description = "merge: the inputs with each file's size and SHA-256, as merge-manifest.json records them")
        List<InputFiles> inputs,
        @Schema(description = "Jobs with several outputs (train with a pipeline): each output folder's URI by name, "
                + "e.g. `dataset-1` or `stage-2`, ready to pass to a following step",
                example = "{\"dataset-1\": \"file:./data/outputs/7f2c/dataset-1/\"}")
        Map<String, String> outputs) {

    public static JobResult of(Output output) {
        return new JobResult(output, null, null, null, null, null, null, null, null, null, null);
    }

    public static JobResult of(TaskVectorReport analysis) {
        return new JobResult(null, analysis, null, null, null, null, null, null, null, null, null);
    }

    public static JobResult empty() {
        return new JobResult(null, null, null, null, null, null, null, null, null, null, null);
    }

    public JobResult withScores(Map<String, Score> scores, List<CheckpointScores> comparison) {
        return new JobResult(output, analysis, scores, average(scores), comparison, coefficients, lossCurve, runs, method, inputs, outputs);
    }

    public JobResult withCoefficients(Coefficients learned, List<Double> curve) {
        return new JobResult(output, analysis, scores, averageScore, comparison, learned, curve, runs, method, inputs, outputs);
    }

    public JobResult withRuns(List<TrainingRun> trainingRuns) {
        return new JobResult(output, analysis, scores, averageScore, comparison, coefficients, lossCurve, trainingRuns, method,
                inputs, outputsOf(output, trainingRuns));
    }

    public JobResult withProvenance(MethodUsed usedMethod, List<InputFiles> inputFiles) {
        return new JobResult(output, analysis, scores, averageScore, comparison, coefficients, lossCurve, runs,
                usedMethod, inputFiles, outputs);
    }

    /** Named folders inside the output (runs of "" are the output itself and need no name). */
    private static Map<String, String> outputsOf(Output output, List<TrainingRun> runs) {
        if (output == null || runs == null || runs.stream().allMatch(r -> r.folder().isEmpty())) {
            return null;
        }
        String base = output.uri().endsWith("/") ? output.uri() : output.uri() + "/";
        Map<String, String> named = new java.util.LinkedHashMap<>();
        for (TrainingRun run : runs) {
            if (!run.folder().isEmpty()) {
                String folder = run.folder().endsWith("/") ? run.folder() : run.folder() + "/";
                named.put(folder.substring(0, folder.length() - 1), base + folder);
            }
        }
        return named;
    }

    /** A merge method with every parameter it ran with. */
    public record MethodUsed(@Schema(example = "ties") String name, Map<String, Object> params) {
    }

    /** One input checkpoint of a merge and its files. */
    public record InputFiles(@Schema(description = "base or model", example = "model") String role,
                             @Schema(example = "file:./data/models/model-1") String uri,
                             @Schema(example = "sts") String label,
                             List<StoredFile> files) {
    }

    /**
     * One fine-tuning run: its folder relative to the output ("" for a single run), its loss per step and, for a
     * mixture of objectives, the dataset each step's batch came from.
     */
    public record TrainingRun(@Schema(example = "dataset-1/") String folder, List<Double> lossCurve,
                              @Schema(description = "Mixed runs whose datasets have different objectives: the index "
                                      + "in `data` of the dataset each step's batch came from (lossCurve[k] is that "
                                      + "dataset's loss); absent otherwise") List<Integer> stepDatasets) {

        public TrainingRun(String folder, List<Double> lossCurve) {
            this(folder, lossCurve, null);
        }
    }

    /** Self-Positioning's result: the learned a_i and λ, the slerp steps t_k and the coefficients c_i of U_N. */
    public record Coefficients(List<Double> weights, double lambda, List<Double> t, List<Double> c) {
    }

    public static Double average(Map<String, Score> scores) {
        return scores == null || scores.isEmpty() ? null
                : scores.values().stream().mapToDouble(Score::main).average().orElse(Double.NaN);
    }

    /** Scores of one checkpoint in a comparison. */
    public record CheckpointScores(@Schema(example = "merged") String checkpoint, String uri,
                                   Map<String, Score> scores, Double averageScore) {
    }

    /** The published output folder and its files with sizes and SHA-256. */
    public record Output(String uri, List<StoredFile> files) {
    }
}
