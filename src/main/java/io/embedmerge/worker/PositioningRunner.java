package io.embedmerge.worker;

import ai.djl.ndarray.types.DataType;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.merge.FisherDiagonals;
import io.embedmerge.merge.LearnedCoefficients;
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
import java.util.List;
import java.util.Map;

/**
 * The encoder work that data-aware merges need before the write pass: the Self-Positioning search (progress: step,
 * loss, ETA) and the models' Fisher diagonals.
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
        double[] init = request.models().stream().mapToDouble(m -> m.effectiveWeight()).toArray();
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

    private static List<Double> box(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
