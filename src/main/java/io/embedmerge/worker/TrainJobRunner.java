package io.embedmerge.worker;

import io.embedmerge.storage.ConfinedFolder;
import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.RunTicket;
import io.embedmerge.job.TrainJobRequest;
import io.embedmerge.job.TrainParams;
import io.embedmerge.job.TrainingData;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.positioning.DataMix;
import io.embedmerge.model.TrainedCheckpoint;
import io.embedmerge.positioning.ContrastiveTrainer;
import io.embedmerge.positioning.PairData;
import io.embedmerge.positioning.TextPair;
import io.embedmerge.dataset.DataFiles;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.storage.StorageLocation;
import org.springframework.stereotype.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
        TrainParams p = request.params() != null ? request.params() : new TrainParams(null, null, null, null, null, null, null, null, null);
        double threshold = p.scoreThreshold() != null ? p.scoreThreshold() : 4.0;
        long seed = request.seed() != null ? request.seed() : 0;
        List<List<TextPair>> datasets = new ArrayList<>();
        for (TrainingData d : request.data()) {
            Path file = data.file(d.uri());
            datasets.add(cosent(p) ? PairData.readScored(file) : PairData.read(file, threshold));
        }
        ConfinedFolder basePath = storage.localFolder(storage.resolve(request.base()));
        List<JobResult.TrainingRun> runs = new ArrayList<>();
        try (Checkpoint base = Checkpoint.open(basePath); OutputFolder output = storage.createOutput(target)) {
            if (request.pipeline() == null) {
                runs.add(train(basePath, base, mix(request, datasets, seed), p, seed, output, "", progress, "mixture"));
            } else if (request.pipeline().equals("separate")) {
                for (int i = 0; i < datasets.size(); i++) {
                    progress.enter(ProgressSpan.WHOLE.part(i, datasets.size()));
                    runs.add(train(basePath, base, datasets.get(i), p, seed, output, "dataset-" + (i + 1) + "/", progress,
                            "dataset " + (i + 1) + "/" + datasets.size()));
                }
            } else {
                try (BertEncoder encoder = load(basePath, p)) {
                    for (int i = 0; i < datasets.size(); i++) {
                        progress.enter(ProgressSpan.WHOLE.part(i, datasets.size()));
                        String folder = "stage-" + (i + 1) + "/";
                        List<Double> curve = ContrastiveTrainer.train(encoder, datasets.get(i), settings(p, datasets.get(i), seed),
                                listener(progress, "stage " + (i + 1) + "/" + datasets.size()));
                        TrainedCheckpoint.write(base, encoder.parameters(), output, folder);
                        runs.add(new JobResult.TrainingRun(folder, curve));
                    }
                }
            }
            progress.checkpoint();
            output.commit();
            return JobResult.of(new JobResult.Output(target.uri(), output.files())).withRuns(runs);
        }
    }

    private JobResult.TrainingRun train(ConfinedFolder basePath, Checkpoint base, List<TextPair> pairs, TrainParams p, long seed,
                                        OutputFolder output, String folder, ProgressReporter progress, String label) {
        try (BertEncoder encoder = load(basePath, p)) {
            List<Double> curve = ContrastiveTrainer.train(encoder, pairs, settings(p, pairs, seed), listener(progress, label));
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

    private static io.embedmerge.positioning.SelfPositioning.StepListener listener(ProgressReporter progress, String label) {
        return (step, steps, loss) -> progress.step("training", step, steps, label + ", loss " + String.format("%.4g", loss));
    }

    private static ContrastiveTrainer.Settings settings(TrainParams p, List<TextPair> pairs, long seed) {
        int batchSize = p.batchSize() != null ? p.batchSize() : 32;
        int steps = p.epochs() != null ? (int) Math.ceil(p.epochs() * pairs.size() / batchSize)
                : p.steps() != null ? p.steps() : 100;
        return new ContrastiveTrainer.Settings(Math.max(1, steps), batchSize,
                p.learningRate() != null ? p.learningRate() : 2e-5, p.warmupRatio() != null ? p.warmupRatio() : 0.1,
                p.temperature() != null ? p.temperature() : 0.05, seed,
                cosent(p) ? ContrastiveTrainer.Objective.COSENT : ContrastiveTrainer.Objective.INFONCE);
    }

    private static boolean cosent(TrainParams p) {
        return "cosent".equals(p.objective());
    }

    private static List<TextPair> mix(TrainJobRequest request, List<List<TextPair>> datasets, long seed) {
        double[] weights = request.data().stream().mapToDouble(d -> d.weight() != null ? d.weight() : 1.0).toArray();
        DataMix.Resample resample = request.resample() == null ? DataMix.Resample.NONE
                : DataMix.Resample.valueOf(request.resample().toUpperCase(Locale.ROOT));
        return DataMix.mix(datasets, weights, resample, seed);
    }
}
