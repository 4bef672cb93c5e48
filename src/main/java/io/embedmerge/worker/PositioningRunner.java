package io.embedmerge.worker;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.checkpoint.WeightFile;
import io.embedmerge.dataset.DataFiles;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ProbeSpec;
import io.embedmerge.merge.FisherDiagonals;
import io.embedmerge.merge.InvalidMergeRequestException;
import io.embedmerge.merge.LearnedCoefficients;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.RegMeanWeights;
import io.embedmerge.model.BatchListener;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.positioning.FisherInformation;
import io.embedmerge.positioning.RegMean;
import io.embedmerge.positioning.SelfPositioning;
import io.embedmerge.positioning.SelfPositioningObjective;
import io.embedmerge.positioning.WeightedProbe;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The encoder work that data-aware merges need before the write pass: the Self-Positioning search (progress: step,
 * loss, validation loss, ETA), the models' Fisher diagonals and RegMean's solved Linear weights, each on its probe
 * (a URI or a mixture of parts, see {@link ProbeParts}).
 */
@Component
class PositioningRunner {

    private final ObjectStorage storage;
    private final DataFiles data;

    PositioningRunner(ObjectStorage storage, DataFiles data) {
        this.storage = storage;
        this.data = data;
    }

    /** The search's outcome, as merge coefficients and as the job's result fields. */
    record Searched(
            LearnedCoefficients learned,
            JobResult.Coefficients coefficients,
            List<Double> lossCurve,
            Map<String, List<Double>> probeLossCurves,
            JobResult.Validation validation) {}

    Searched search(MergeJobRequest request, MethodParams params, CheckpointInputs inputs, ProgressReporter progress) {
        progress.stage("positioning", "reading the probe set");
        List<WeightedProbe> parts = ProbeParts.read(data, request.probe(), "probe", params.number("scoreThreshold"));
        double fraction = params.number("validationFraction");
        List<WeightedProbe> training = new ArrayList<>();
        List<WeightedProbe> validation = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            Integer examples = request.probe().effectiveParts().get(k).examples();
            WeightedProbe part = parts.get(k);
            if (examples != null || fraction > 0) {
                part = part.sample(examples != null ? examples : Integer.MAX_VALUE, request.effectiveSeed() + k);
            }
            if (fraction > 0) {
                try {
                    WeightedProbe.Split split = part.split(fraction);
                    training.add(split.training());
                    validation.add(split.validation());
                } catch (IllegalArgumentException e) {
                    throw new InvalidMergeRequestException(
                            request.probe().uri() != null ? "probe" : "probe[" + k + "]", e.getMessage());
                }
            } else {
                training.add(part);
            }
        }
        double[] init = params.numbers("initWeights") != null
                ? params.numbers("initWeights")
                : request.models().stream()
                        .mapToDouble(m -> m.effectiveWeight())
                        .toArray();
        SelfPositioning.Settings settings = new SelfPositioning.Settings(
                (int) params.number("steps"),
                (int) params.number("batchSize"),
                params.number("learningRate"),
                params.number("initLambda"),
                request.effectiveSeed(),
                params.number("mu"),
                SelfPositioning.Penalty.valueOf(params.string("penalty").toUpperCase(Locale.ROOT)),
                (int) params.number("validateEvery"),
                (int) params.number("patience"),
                params.bool("normalizeParts"));
        LearnedCoefficients.Granularity granularity = LearnedCoefficients.Granularity.of(params.string("granularity"));
        try (SelfPositioningObjective objective = new SelfPositioningObjective(
                inputs.base().folder(),
                inputs.models().stream().map(m -> m.folder()).toList(),
                DataType.FLOAT32,
                params.number("temperature"),
                params.number("mu"),
                granularity)) {
            SelfPositioning.Outcome outcome;
            try {
                outcome = SelfPositioning.optimize(
                        objective,
                        training,
                        validation,
                        init,
                        settings,
                        (step, steps, loss, validationLoss) -> progress.step(
                                "positioning",
                                step,
                                steps,
                                Double.isNaN(validationLoss)
                                        ? String.format(Locale.ROOT, "loss %.5g", loss)
                                        : String.format(
                                                Locale.ROOT, "loss %.5g, validation loss %.5g", loss, validationLoss)));
            } catch (SelfPositioning.UnnormalizablePart e) {
                throw new InvalidMergeRequestException(
                        request.probe().uri() != null ? "probe" : "probe[" + e.part() + "]", e.getMessage());
            }
            return searched(outcome, granularity);
        }
    }

    private static Searched searched(SelfPositioning.Outcome outcome, LearnedCoefficients.Granularity granularity) {
        List<LearnedCoefficients.Group> groups = outcome.groups().stream()
                .map(g -> new LearnedCoefficients.Group(g.name(), g.c(), g.lambda()))
                .toList();
        JobResult.Coefficients coefficients;
        if (granularity == LearnedCoefficients.Granularity.MODEL) {
            SelfPositioning.GroupOutcome model = outcome.groups().getFirst();
            coefficients = new JobResult.Coefficients(
                    box(model.weights()),
                    model.lambda(),
                    box(model.t()),
                    box(model.c()),
                    null,
                    outcome.penaltyReference(),
                    outcome.partReferences());
        } else {
            coefficients = new JobResult.Coefficients(
                    null,
                    null,
                    null,
                    null,
                    outcome.groups().stream()
                            .map(g -> new JobResult.GroupCoefficients(
                                    g.name(), box(g.weights()), g.lambda(), box(g.t()), box(g.c())))
                            .toList(),
                    outcome.penaltyReference(),
                    outcome.partReferences());
        }
        SelfPositioning.Validation checks = outcome.validation();
        JobResult.Validation validation = checks == null
                ? null
                : new JobResult.Validation(checks.steps(), checks.loss(), checks.chosenStep(), checks.lastStep());
        return new Searched(
                new LearnedCoefficients(granularity, groups),
                coefficients,
                outcome.lossCurve(),
                outcome.partLossCurves(),
                validation);
    }

    /** Each model's Fisher diagonals, written to {@code scratch} as they are computed. */
    FisherDiagonals fisher(
            MergeJobRequest request,
            MethodParams params,
            CheckpointInputs inputs,
            ScratchFolder scratch,
            ProgressReporter progress) {
        List<WeightFile> perModel = new ArrayList<>();
        int models = inputs.models().size();
        for (int i = 0; i < models; i++) {
            int model = i;
            List<WeightedProbe> probe = modelProbe(request, params, i, (int) params.number("fisherExamples"));
            try (BertEncoder encoder = BertEncoder.load(inputs.models().get(i).folder())) {
                List<TensorSpec> specs = new ArrayList<>();
                encoder.parameters().forEach((name, p) -> specs.add(new TensorSpec(name, DType.F32, shape(p))));
                perModel.add(scratch.write(
                        "fisher-" + i,
                        specs,
                        sink -> FisherInformation.diagonal(
                                encoder,
                                probe,
                                (int) params.number("batchSize"),
                                params.number("temperature"),
                                modelProgress(progress, "fisher", model, models),
                                sink::put)));
            }
        }
        return new FisherDiagonals(perModel);
    }

    /**
     * RegMean's merged Linear weights: each model's Gram matrices go to {@code scratch} as soon as its probe pass
     * ends, then each layer is solved from the N Gram matrices and the models' weights read from their checkpoints.
     */
    RegMeanWeights regmean(
            MergeJobRequest request,
            MethodParams params,
            CheckpointInputs inputs,
            ScratchFolder scratch,
            ProgressReporter progress) {
        List<ProgressSpan> parts = progress.span().split(4, 1);
        progress.enter(parts.get(0));
        List<WeightFile> grams = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        int models = inputs.models().size();
        for (int i = 0; i < models; i++) {
            int model = i;
            List<WeightedProbe> probe = modelProbe(request, params, i, (int) params.number("regmeanExamples"));
            try (BertEncoder encoder = BertEncoder.load(inputs.models().get(i).folder());
                    RegMean.Grams g = RegMean.accumulate(
                            encoder,
                            probe,
                            (int) params.number("batchSize"),
                            modelProgress(progress, "regmean", model, models))) {
                if (i == 0) {
                    prefixes.addAll(g.prefixes());
                }
                List<TensorSpec> specs = g.prefixes().stream()
                        .map(prefix ->
                                new TensorSpec(prefix, DType.F64, List.of(g.inputSize(prefix), g.inputSize(prefix))))
                        .toList();
                grams.add(scratch.write(
                        "regmean-gram-" + i,
                        specs,
                        sink -> g.prefixes().forEach(prefix -> sink.put(prefix, g.matrix(prefix)))));
            }
        }
        progress.enter(parts.get(1));
        List<TensorSpec> solvedSpecs = prefixes.stream()
                .map(prefix -> new TensorSpec(
                        prefix + ".weight",
                        DType.F32,
                        inputs.base().tensors().get(prefix + ".weight").shape()))
                .toList();
        WeightFile solved = scratch.write("regmean-weights", solvedSpecs, sink -> {
            for (int k = 0; k < prefixes.size(); k++) {
                String prefix = prefixes.get(k);
                progress.step("regmean solve", k, prefixes.size(), "solving " + prefix);
                List<Long> shape =
                        inputs.base().tensors().get(prefix + ".weight").shape();
                int out = Math.toIntExact(shape.get(0));
                int in = Math.toIntExact(shape.get(1));
                sink.put(
                        prefix + ".weight",
                        RegMean.solve(
                                grams.stream()
                                        .map(file -> ScratchFolder.doubles(file, prefix))
                                        .toList(),
                                inputs.models().stream()
                                        .map(model -> floats(model, prefix + ".weight"))
                                        .toList(),
                                in,
                                out,
                                params.number("reduceNonDiagonalRatio")));
            }
        });
        progress.step("regmean solve", prefixes.size(), prefixes.size(), "solved " + prefixes.size() + " layers");
        return new RegMeanWeights(solved);
    }

    /**
     * The probe parts of {@code models[model]}, each part's first {@code examples} pairs (or its own cap) of a shuffle
     * seeded by the request's seed + the part's index (a plain URI: exactly the pairs it used before mixtures).
     */
    private List<WeightedProbe> modelProbe(MergeJobRequest request, MethodParams params, int model, int examples) {
        ProbeSpec probe = request.models().get(model).probe();
        List<WeightedProbe> parts =
                ProbeParts.read(data, probe, "models[" + model + "].probe", params.number("scoreThreshold"));
        return ProbeParts.sampled(parts, probe, examples, request.effectiveSeed());
    }

    /** Batch progress of model {@code model}'s pass as a fraction of all N passes (also checks for cancellation). */
    private static BatchListener modelProgress(ProgressReporter progress, String stage, int model, int models) {
        return (done, total) -> progress.step(
                stage,
                model * total + done,
                models * total,
                "model " + (model + 1) + " of " + models + ", batch " + done + "/" + total);
    }

    private static float[] floats(Checkpoint checkpoint, String name) {
        return checkpoint.fileOf(name).readFloats(checkpoint.tensors().get(name));
    }

    private static List<Long> shape(NDArray array) {
        return Arrays.stream(array.getShape().getShape()).boxed().toList();
    }

    private static List<Double> box(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
