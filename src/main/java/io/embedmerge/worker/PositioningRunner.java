package io.embedmerge.worker;

import ai.djl.ndarray.types.DataType;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.merge.FisherDiagonals;
import io.embedmerge.merge.LearnedCoefficients;
import io.embedmerge.merge.RegMeanWeights;
import io.embedmerge.positioning.RegMean;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.positioning.FisherInformation;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.positioning.PairData;
import io.embedmerge.positioning.SelfPositioning;
import io.embedmerge.positioning.SelfPositioningObjective;
import io.embedmerge.positioning.TextPair;
import io.embedmerge.storage.ObjectStorage;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder work that data-aware merges need before the write pass: the Self-Positioning search (progress: step,
 * loss, ETA), the models' Fisher diagonals and RegMean's solved Linear weights.
 */
@Component
class PositioningRunner {

    private final ObjectStorage storage;

    PositioningRunner(ObjectStorage storage) {
        this.storage = storage;
    }

    /** The search's outcome, as merge coefficients and as the job's result fields. */
    record Searched(LearnedCoefficients learned, JobResult.Coefficients coefficients, List<Double> lossCurve) {
    }

    Searched search(MergeJobRequest request, MethodParams params, CheckpointInputs inputs, ProgressReporter progress) {
        progress.stage("positioning", "reading the probe set");
        List<TextPair> probe = PairData.read(LocalFiles.file(storage, request.probe()), params.number("scoreThreshold"));
        double[] init = params.numbers("initWeights") != null ? params.numbers("initWeights")
                : request.models().stream().mapToDouble(m -> m.effectiveWeight()).toArray();
        SelfPositioning.Settings settings = new SelfPositioning.Settings((int) params.number("steps"),
                (int) params.number("batchSize"), params.number("learningRate"), params.number("initLambda"),
                request.effectiveSeed());
        try (SelfPositioningObjective objective = new SelfPositioningObjective(inputs.base().folder(),
                inputs.models().stream().map(m -> m.folder()).toList(), DataType.FLOAT32,
                params.number("temperature"), params.number("mu"))) {
            SelfPositioning.Outcome outcome = SelfPositioning.optimize(objective, probe, init, settings,
                    (step, steps, loss) -> progress.step("positioning", step, steps, String.format("loss %.5f", loss)));
            return new Searched(new LearnedCoefficients(outcome.c(), outcome.lambda()),
                    new JobResult.Coefficients(box(outcome.weights()), outcome.lambda(), box(outcome.t()), box(outcome.c())),
                    outcome.lossCurve());
        }
    }

    FisherDiagonals fisher(MergeJobRequest request, MethodParams params, CheckpointInputs inputs, ProgressReporter progress) {
        List<Map<String, float[]>> perModel = new ArrayList<>();
        for (int i = 0; i < inputs.models().size(); i++) {
            progress.step("fisher", i, inputs.models().size(), "model " + (i + 1));
            List<TextPair> probe = PairData.read(LocalFiles.file(storage, request.models().get(i).probe()),
                    params.number("scoreThreshold"));
            try (BertEncoder encoder = BertEncoder.load(inputs.models().get(i).folder())) {
                perModel.add(FisherInformation.diagonal(encoder, probe, (int) params.number("fisherExamples"),
                        (int) params.number("batchSize"), params.number("temperature"), request.effectiveSeed()));
            }
        }
        progress.step("fisher", inputs.models().size(), inputs.models().size(), "done");
        return new FisherDiagonals(perModel);
    }

    RegMeanWeights regmean(MergeJobRequest request, MethodParams params, CheckpointInputs inputs, ProgressReporter progress) {
        List<Map<String, double[]>> grams = new ArrayList<>();
        List<Map<String, float[]>> linearWeights = new ArrayList<>();
        for (int i = 0; i < inputs.models().size(); i++) {
            progress.step("regmean", i, inputs.models().size(), "Gram matrices of model " + (i + 1));
            List<TextPair> probe = PairData.read(LocalFiles.file(storage, request.models().get(i).probe()),
                    params.number("scoreThreshold"));
            try (BertEncoder encoder = BertEncoder.load(inputs.models().get(i).folder())) {
                Map<String, double[]> g = RegMean.gramMatrices(encoder, probe, (int) params.number("regmeanExamples"),
                        (int) params.number("batchSize"), request.effectiveSeed());
                grams.add(g);
                Map<String, float[]> w = new LinkedHashMap<>();
                for (String prefix : g.keySet()) {
                    w.put(prefix, encoder.parameters().get(prefix + ".weight").toType(DataType.FLOAT32, false).toFloatArray());
                }
                linearWeights.add(w);
            }
        }
        Map<String, float[]> merged = new LinkedHashMap<>();
        for (String prefix : grams.getFirst().keySet()) {
            progress.checkpoint();
            int in = (int) Math.round(Math.sqrt(grams.getFirst().get(prefix).length));
            int out = linearWeights.getFirst().get(prefix).length / in;
            merged.put(prefix + ".weight", RegMean.solve(grams.stream().map(g -> g.get(prefix)).toList(),
                    linearWeights.stream().map(w -> w.get(prefix)).toList(), in, out,
                    params.number("reduceNonDiagonalRatio")));
        }
        progress.step("regmean", inputs.models().size(), inputs.models().size(), "solved " + merged.size() + " layers");
        return new RegMeanWeights(merged);
    }

    private static List<Double> box(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
