package io.embedmerge.job;

import io.embedmerge.analysis.TaskVectorReport;
import io.embedmerge.eval.Score;
import io.embedmerge.storage.StoredFile;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** What a finished job produced; each kind fills its own fields. */
public record JobResult(
        @Schema(description = "merge, import: the published checkpoint folder")
        Output output,

        @Schema(description = "analyze: task-vector statistics")
        TaskVectorReport analysis,

        @Schema(description = "evaluate, merge with evaluation: score per evaluation name")
        Map<String, Score> scores,

        @Schema(description = "Mean of the main scores") Double averageScore,

        @Schema(
                description =
                        "merge with evaluateInputs: the same scores for the base, each input and the merged output")
        List<CheckpointScores> comparison,

        @Schema(description = "self_positioning: the learned coefficients")
        Coefficients coefficients,

        @Schema(
                description = "self_positioning: the objective (probe loss Σ_k w_k L_k plus the λ penalty) at each "
                        + "step, before its update")
        List<Double> lossCurve,

        @Schema(description = "train: each run's folder (inside output) and loss curve")
        List<TrainingRun> runs,

        @Schema(
                description = "merge: the method with every parameter (defaults filled in), as merge-manifest.json "
                        + "records it")
        MethodUsed method,

        @Schema(
                description =
                        "merge: the inputs with each file's size and SHA-256, as merge-manifest.json records them")
        List<InputFiles> inputs,

        @Schema(
                description = "Jobs with several outputs (train with a pipeline): each output folder's URI by name, "
                        + "e.g. `dataset-1` or `stage-2`, ready to pass to a following step",
                example = "{\"dataset-1\": \"file:./data/outputs/7f2c/dataset-1/\"}")
        Map<String, String> outputs,

        @Schema(
                description = "self_positioning: each probe part's own loss L_k (unweighted, no penalty) at each step, "
                        + "by the part's label (`probe` for a plain URI, else the part's label or `probe[k]`)",
                example = "{\"paraphrases\": [0.0021, 0.0019], \"similarity\": [2.71, 2.64]}")
        Map<String, List<Double>> probeLossCurves,

        @Schema(
                description = "self_positioning with validationFraction > 0: the validation checks and the step whose "
                        + "coefficients were kept")
        Validation validation) {

    public static JobResult of(Output output) {
        return new JobResult(output, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static JobResult of(TaskVectorReport analysis) {
        return new JobResult(null, analysis, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static JobResult empty() {
        return new JobResult(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public JobResult withScores(Map<String, Score> scores, List<CheckpointScores> comparison) {
        return new JobResult(
                output,
                analysis,
                scores,
                average(scores),
                comparison,
                coefficients,
                lossCurve,
                runs,
                method,
                inputs,
                outputs,
                probeLossCurves,
                validation);
    }

    public JobResult withCoefficients(Coefficients learned, List<Double> curve) {
        return withCoefficients(learned, curve, probeLossCurves, validation);
    }

    /** Self-Positioning's outcome: coefficients, the objective per step, each part's loss, the validation checks. */
    public JobResult withCoefficients(
            Coefficients learned, List<Double> curve, Map<String, List<Double>> partCurves, Validation checks) {
        return new JobResult(
                output,
                analysis,
                scores,
                averageScore,
                comparison,
                learned,
                curve,
                runs,
                method,
                inputs,
                outputs,
                partCurves,
                checks);
    }

    public JobResult withRuns(List<TrainingRun> trainingRuns) {
        return new JobResult(
                output,
                analysis,
                scores,
                averageScore,
                comparison,
                coefficients,
                lossCurve,
                trainingRuns,
                method,
                inputs,
                outputsOf(output, trainingRuns),
                probeLossCurves,
                validation);
    }

    public JobResult withProvenance(MethodUsed usedMethod, List<InputFiles> inputFiles) {
        return new JobResult(
                output,
                analysis,
                scores,
                averageScore,
                comparison,
                coefficients,
                lossCurve,
                runs,
                usedMethod,
                inputFiles,
                outputs,
                probeLossCurves,
                validation);
    }

    /** Named folders inside the output (runs of "" are the output itself and need no name). */
    private static Map<String, String> outputsOf(Output output, List<TrainingRun> runs) {
        if (output == null
                || runs == null
                || runs.stream().allMatch(r -> r.folder().isEmpty())) {
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
    public record MethodUsed(@Schema(example = "ties") String name, Map<String, Object> params) {}

    /** One input checkpoint of a merge and its files. */
    public record InputFiles(
            @Schema(description = "base or model", example = "model")
            String role,

            @Schema(example = "file:./data/models/model-1") String uri,
            @Schema(example = "sts") String label,
            List<StoredFile> files) {}

    /**
     * One fine-tuning run: its folder relative to the output ("" for a single run), its loss per step and, for a
     * mixture of objectives, the dataset each step's batch came from.
     */
    public record TrainingRun(
            @Schema(example = "dataset-1/") String folder,
            List<Double> lossCurve,

            @Schema(
                    description = "Mixed runs whose datasets have different objectives: the index "
                            + "in `data` of the dataset each step's batch came from (lossCurve[k] is that "
                            + "dataset's loss); absent otherwise")
            List<Integer> stepDatasets) {

        public TrainingRun(String folder, List<Double> lossCurve) {
            this(folder, lossCurve, null);
        }
    }

    /**
     * Self-Positioning's result: the learned a_i and λ, the slerp steps t_k and the coefficients c_i of U_N; with
     * granularity layer these four are absent and {@code layers} holds them per group.
     */
    public record Coefficients(
            List<Double> weights,
            Double lambda,
            List<Double> t,
            List<Double> c,

            @Schema(
                    description = "granularity layer: the coefficients of each group "
                            + "(encoder.layer.<k>, and `other` for embeddings and pooler)")
            List<GroupCoefficients> layers,

            @Schema(
                    description = "penalty relative: L₀, the probe loss at the starting point "
                            + "(the penalty is μ·λ·L₀); with normalizeParts Σ_k w_k, the normalised "
                            + "objective's starting probe loss")
            Double penaltyReference,

            @Schema(
                    description = "normalizeParts: each probe part's L_k⁰ by label, its own mean "
                            + "loss (unweighted) at the starting point over its first 4 batches, by which "
                            + "its loss was divided (the objective Σ_k w_k L_k / L_k⁰); absent otherwise")
            Map<String, Double> partReferences) {

        public Coefficients(
                List<Double> weights,
                Double lambda,
                List<Double> t,
                List<Double> c,
                List<GroupCoefficients> layers,
                Double penaltyReference) {
            this(weights, lambda, t, c, layers, penaltyReference, null);
        }
    }

    /** One group's learned coefficients (granularity layer). */
    public record GroupCoefficients(
            @Schema(example = "encoder.layer.3") String group,
            List<Double> weights,
            double lambda,
            List<Double> t,
            List<Double> c) {}

    /**
     * Early stopping of self_positioning: after which steps the validation loss was checked (0: before the first),
     * the losses, the step whose coefficients were kept, and the last step run (below the steps asked for when it
     * stopped early).
     */
    public record Validation(
            @Schema(
                    description = "The steps after which the validation loss was checked (0: before the first step)",
                    example = "[0, 10, 20, 30]")
            List<Integer> steps,

            @Schema(
                    description = "The validation loss of each check: Σ_k w_k mean(L_k) over the held-out batches "
                            + "plus the penalty",
                    example = "[0.81, 0.74, 0.72, 0.73]")
            List<Double> loss,

            @Schema(description = "The step whose coefficients were kept (the lowest check)", example = "20")
            int chosenStep,

            @Schema(description = "The last step run: below `steps` when the search stopped early", example = "30")
            int lastStep) {}

    public static Double average(Map<String, Score> scores) {
        return scores == null || scores.isEmpty()
                ? null
                : scores.values().stream().mapToDouble(Score::main).average().orElse(Double.NaN);
    }

    /** Scores of one checkpoint in a comparison. */
    public record CheckpointScores(
            @Schema(example = "merged") String checkpoint,
            String uri,
            Map<String, Score> scores,
            Double averageScore) {}

    /** The published output folder and its files with sizes and SHA-256. */
    public record Output(String uri, List<StoredFile> files) {}
}
