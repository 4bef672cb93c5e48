package io.embedmerge.worker;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.dataset.DataFiles;
import io.embedmerge.checkpoint.TensorSpec;
import io.embedmerge.checkpoint.WeightFile;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.merge.FisherDiagonals;
import io.embedmerge.merge.LearnedCoefficients;
import io.embedmerge.merge.RegMeanWeights;
import io.embedmerge.model.BatchListener;
import io.embedmerge.positioning.RegMean;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.positioning.FisherInformation;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.positioning.PairData;
import io.embedmerge.positioning.SelfPositioning;
import io.embedmerge.positioning.SelfPositioningObjective;
import io.embedmerge.positioning.TextPair;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.tensor.DType;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The encoder work that data-aware merges need before the write pass: the Self-Positioning search (progress: step,
 * loss, ETA), the models' Fisher diagonals and RegMean's solved Linear weights.
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
    record Searched(LearnedCoefficients learned, JobResult.Coefficients coefficients, List<Double> lossCurve) {
    }

    Searched search(MergeJobRequest request, MethodParams params, CheckpointInputs inputs, ProgressReporter progress) {
        progress.stage("positioning", "reading the probe set");
        List<TextPair> probe = PairData.read(data.file(request.probe()), params.number("scoreThreshold"));
        double[] init = params.numbers("initWeights") != null ? params.numbers("initWeights")
                : request.models().stream().mapToDouble(m -> m.effectiveWeight()).toArray();
        SelfPositioning.Settings settings = new SelfPositioning.Settings((int) params.number("steps"),
                (int) params.number("batchSize"), params.number("learningRate"), params.number("initLambda"),
                request.effectiveSeed());
        try (SelfPositioningObjective objective = new SelfPositioningObjective(inputs.base().folder(),
                inputs.models().stream().map(m -> m.folder()).toList(), DataType.FLOAT32,
                params.number("temperature"), params.number("mu"))) {
            SelfPositioning.Outcome outcome = SelfPositioning.optimize(objective, probe, init, settings,
                    (step, steps, loss) -> progress.step("positioning", step, steps, String.format("loss %.5g", loss)));
            return new Searched(new LearnedCoefficients(outcome.c(), outcome.lambda()),
                    new JobResult.Coefficients(box(outcome.weights()), outcome.lambda(), box(outcome.t()), box(outcome.c())),
                    outcome.lossCurve());
        }
    }

    /** Each model's Fisher diagonals, written to {@code scratch} as they are computed. */
    FisherDiagonals fisher(MergeJobRequest request, MethodParams params, CheckpointInputs inputs,
                           ScratchFolder scratch, ProgressReporter progress) {
        List<WeightFile> perModel = new ArrayList<>();
        int models = inputs.models().size();
        for (int i = 0; i < models; i++) {
            int model = i;
            List<TextPair> probe = modelProbe(request, params, i);
            try (BertEncoder encoder = BertEncoder.load(inputs.models().get(i).folder())) {
                List<TensorSpec> specs = new ArrayList<>();
                encoder.parameters().forEach((name, p) -> specs.add(new TensorSpec(name, DType.F32, shape(p))));
                perModel.add(scratch.write("fisher-" + i, specs, sink -> FisherInformation.diagonal(encoder, probe,
                        (int) params.number("fisherExamples"), (int) params.number("batchSize"),
                        params.number("temperature"), request.effectiveSeed(),
                        modelProgress(progress, "fisher", model, models), sink::put)));
            }
        }
        return new FisherDiagonals(perModel);
    }

    /**
     * RegMean's merged Linear weights: each model's Gram matrices go to {@code scratch} as soon as its probe pass
     * ends, then each layer is solved from the N Gram matrices and the models' weights read from their checkpoints.
     */
    RegMeanWeights regmean(MergeJobRequest request, MethodParams params, CheckpointInputs inputs,
                           ScratchFolder scratch, ProgressReporter progress) {
        List<ProgressSpan> parts = progress.span().split(4, 1);
        progress.enter(parts.get(0));
        List<WeightFile> grams = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        int models = inputs.models().size();
        for (int i = 0; i < models; i++) {
            int model = i;
            List<TextPair> probe = modelProbe(request, params, i);
            try (BertEncoder encoder = BertEncoder.load(inputs.models().get(i).folder());
                 RegMean.Grams g = RegMean.accumulate(encoder, probe, (int) params.number("regmeanExamples"),
                         (int) params.number("batchSize"), request.effectiveSeed(),
                         modelProgress(progress, "regmean", model, models))) {
                if (i == 0) {
                    prefixes.addAll(g.prefixes());
                }
                List<TensorSpec> specs = g.prefixes().stream()
                        .map(prefix -> new TensorSpec(prefix, DType.F64, List.of(g.inputSize(prefix), g.inputSize(prefix))))
                        .toList();
                grams.add(scratch.write("regmean-gram-" + i, specs,
                        sink -> g.prefixes().forEach(prefix -> sink.put(prefix, g.matrix(prefix)))));
            }
        }
        progress.enter(parts.get(1));
        List<TensorSpec> solvedSpecs = prefixes.stream()
                .map(prefix -> new TensorSpec(prefix + ".weight", DType.F32, inputs.base().tensors().get(prefix + ".weight").shape()))
                .toList();
        WeightFile solved = scratch.write("regmean-weights", solvedSpecs, sink -> {
            for (int k = 0; k < prefixes.size(); k++) {
                String prefix = prefixes.get(k);
                progress.step("regmean solve", k, prefixes.size(), "solving " + prefix);
                List<Long> shape = inputs.base().tensors().get(prefix + ".weight").shape();
                int out = Math.toIntExact(shape.get(0));
                int in = Math.toIntExact(shape.get(1));
                sink.put(prefix + ".weight", RegMean.solve(grams.stream().map(file -> ScratchFolder.doubles(file, prefix)).toList(),
                        inputs.models().stream().map(model -> floats(model, prefix + ".weight")).toList(), in, out,
                        params.number("reduceNonDiagonalRatio")));
            }
        });
        progress.step("regmean solve", prefixes.size(), prefixes.size(), "solved " + prefixes.size() + " layers");
        return new RegMeanWeights(solved);
    }

    /** The probe pairs of {@code models[model]}. */
    private List<TextPair> modelProbe(MergeJobRequest request, MethodParams params, int model) {
        return PairData.read(data.file(request.models().get(model).probe()), params.number("scoreThreshold"));
    }

    /** Batch progress of model {@code model}'s pass as a fraction of all N passes (also checks for cancellation). */
    private static BatchListener modelProgress(ProgressReporter progress, String stage, int model, int models) {
        return (done, total) -> progress.step(stage, model * total + done, models * total,
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
