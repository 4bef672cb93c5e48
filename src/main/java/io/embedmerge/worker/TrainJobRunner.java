package io.embedmerge.worker;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.dataset.DataFiles;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.RunTicket;
import io.embedmerge.job.TrainJobRequest;
import io.embedmerge.job.TrainParams;
import io.embedmerge.job.TrainingData;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.model.TrainedCheckpoint;
import io.embedmerge.positioning.ContrastiveTrainer;
import io.embedmerge.positioning.DataMix;
import io.embedmerge.positioning.PairData;
import io.embedmerge.positioning.TextPair;
import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.storage.StorageLocation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** Runs a train job: one mixed run, one run per dataset (separate) or runs through the datasets (sequential). */
@Component
class TrainJobRunner {

    private final ObjectStorage storage;
    private final DataFiles data;

    TrainJobRunner(ObjectStorage storage, DataFiles data) {
        this.storage = storage;
        this.data = data;
    }

    JobResult run(RunTicket ticket, TrainJobRequest request, ProgressReporter progress) {
        StorageLocation target = request.output() != null
                ? storage.resolve(request.output())
                : storage.defaultOutputFor(ticket.jobId().toString());
        TrainParams p = request.params() != null
                ? request.params()
                : new TrainParams(null, null, null, null, null, null, null, null, null);
        long seed = request.seed() != null ? request.seed() : 0;
        List<ContrastiveTrainer.Part> datasets = new ArrayList<>();
        for (TrainingData d : request.data()) {
            ContrastiveTrainer.Objective objective = objective(d, p);
            Path file = data.file(d.uri());
            double threshold = d.scoreThreshold() != null
                    ? d.scoreThreshold()
                    : p.scoreThreshold() != null ? p.scoreThreshold() : 4.0;
            datasets.add(new ContrastiveTrainer.Part(
                    objective == ContrastiveTrainer.Objective.COSENT
                            ? PairData.readScored(file)
                            : PairData.read(file, threshold),
                    objective));
        }
        ConfinedFolder basePath = storage.localFolder(storage.resolve(request.base()));
        List<JobResult.TrainingRun> runs = new ArrayList<>();
        try (Checkpoint base = Checkpoint.open(basePath);
                OutputFolder output = storage.createOutput(target)) {
            if (request.pipeline() == null) {
                runs.add(trainMixture(basePath, base, request, datasets, p, seed, output, progress));
            } else if (request.pipeline().equals("separate")) {
                for (int i = 0; i < datasets.size(); i++) {
                    progress.enter(ProgressSpan.WHOLE.part(i, datasets.size()));
                    runs.add(train(
                            basePath,
                            base,
                            datasets.get(i),
                            p,
                            seed,
                            output,
                            "dataset-" + (i + 1) + "/",
                            progress,
                            "dataset " + (i + 1) + "/" + datasets.size()));
                }
            } else {
                try (BertEncoder encoder = load(basePath, p)) {
                    for (int i = 0; i < datasets.size(); i++) {
                        progress.enter(ProgressSpan.WHOLE.part(i, datasets.size()));
                        String folder = "stage-" + (i + 1) + "/";
                        ContrastiveTrainer.Part stage = datasets.get(i);
                        List<Double> curve = ContrastiveTrainer.train(
                                encoder,
                                stage.pairs(),
                                settings(p, stage.pairs().size(), seed, stage.objective()),
                                listener(progress, "stage " + (i + 1) + "/" + datasets.size()));
                        TrainedCheckpoint.write(base, encoder.parameters(), output, folder);
                        runs.add(new JobResult.TrainingRun(folder, curve));
                    }
                }
            }
            progress.checkpoint();
            output.commit();
            return JobResult.of(new JobResult.Output(target.uri(), output.files()))
                    .withRuns(runs);
        }
    }

    /**
     * The mixed run: with one objective, the mixture is shuffled as one dataset; with several, every batch comes
     * from one dataset and is scored by its objective.
     */
    private JobResult.TrainingRun trainMixture(
            ConfinedFolder basePath,
            Checkpoint base,
            TrainJobRequest request,
            List<ContrastiveTrainer.Part> datasets,
            TrainParams p,
            long seed,
            OutputFolder output,
            ProgressReporter progress) {
        List<List<TextPair>> drawn = DataMix.draw(
                datasets.stream().map(ContrastiveTrainer.Part::pairs).toList(),
                weights(request),
                resample(request),
                seed);
        int size = drawn.stream().mapToInt(List::size).sum();
        List<ContrastiveTrainer.Objective> objectives = datasets.stream()
                .map(ContrastiveTrainer.Part::objective)
                .distinct()
                .toList();
        if (objectives.size() == 1) {
            List<TextPair> mixture = new ArrayList<>(size);
            drawn.forEach(mixture::addAll);
            return train(
                    basePath,
                    base,
                    new ContrastiveTrainer.Part(mixture, objectives.getFirst()),
                    p,
                    seed,
                    output,
                    "",
                    progress,
                    "mixture");
        }
        List<ContrastiveTrainer.Part> parts = new ArrayList<>();
        for (int i = 0; i < drawn.size(); i++) {
            parts.add(new ContrastiveTrainer.Part(drawn.get(i), datasets.get(i).objective()));
        }
        try (BertEncoder encoder = load(basePath, p)) {
            ContrastiveTrainer.MixtureCurve curve = ContrastiveTrainer.trainMixture(
                    encoder, parts, settings(p, size, seed, null), listener(progress, "mixture"));
            TrainedCheckpoint.write(base, encoder.parameters(), output, "");
            return new JobResult.TrainingRun("", curve.losses(), curve.parts());
        }
    }

    private JobResult.TrainingRun train(
            ConfinedFolder basePath,
            Checkpoint base,
            ContrastiveTrainer.Part data,
            TrainParams p,
            long seed,
            OutputFolder output,
            String folder,
            ProgressReporter progress,
            String label) {
        try (BertEncoder encoder = load(basePath, p)) {
            List<Double> curve = ContrastiveTrainer.train(
                    encoder,
                    data.pairs(),
                    settings(p, data.pairs().size(), seed, data.objective()),
                    listener(progress, label));
            TrainedCheckpoint.write(base, encoder.parameters(), output, folder);
            return new JobResult.TrainingRun(folder, curve);
        }
    }

    private static BertEncoder load(ConfinedFolder basePath, TrainParams p) {
        BertEncoder encoder = BertEncoder.load(basePath);
        if (p.maxSeqLength() != null) {
            encoder.limitSequenceLength(p.maxSeqLength());
        }
        return encoder;
    }

    private static io.embedmerge.positioning.SelfPositioning.StepListener listener(
            ProgressReporter progress, String label) {
        return (step, steps, loss) ->
                progress.step("training", step, steps, label + ", loss " + String.format("%.4g", loss));
    }

    private static ContrastiveTrainer.Settings settings(
            TrainParams p, int pairs, long seed, ContrastiveTrainer.Objective objective) {
        int batchSize = p.batchSize() != null ? p.batchSize() : 32;
        int steps = p.epochs() != null
                ? (int) Math.ceil(p.epochs() * pairs / batchSize)
                : p.steps() != null ? p.steps() : 100;
        return new ContrastiveTrainer.Settings(
                Math.max(1, steps),
                batchSize,
                p.learningRate() != null ? p.learningRate() : 2e-5,
                p.warmupRatio() != null ? p.warmupRatio() : 0.1,
                p.temperature() != null ? p.temperature() : 0.05,
                seed,
                objective);
    }

    private static ContrastiveTrainer.Objective objective(TrainingData d, TrainParams p) {
        String name = d.objective() != null ? d.objective() : p.objective();
        return "cosent".equals(name) ? ContrastiveTrainer.Objective.COSENT : ContrastiveTrainer.Objective.INFONCE;
    }

    private static double[] weights(TrainJobRequest request) {
        return request.data().stream()
                .mapToDouble(d -> d.weight() != null ? d.weight() : 1.0)
                .toArray();
    }

    private static DataMix.Resample resample(TrainJobRequest request) {
        return request.resample() == null
                ? DataMix.Resample.NONE
                : DataMix.Resample.valueOf(request.resample().toUpperCase(Locale.ROOT));
    }
}
