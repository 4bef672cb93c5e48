package io.embedmerge.worker;

import io.embedmerge.eval.Score;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.job.ModelInput;
import io.embedmerge.job.RunTicket;
import io.embedmerge.merge.DataNeeds;
import io.embedmerge.merge.MergeMethod;
import io.embedmerge.merge.MethodParams;
import io.embedmerge.merge.MethodRegistry;
import io.embedmerge.merge.Precomputed;
import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.storage.CachedFileDigests;
import io.embedmerge.storage.FileDigests;
import io.embedmerge.storage.ObjectStorage;
import io.embedmerge.storage.OutputFolder;
import io.embedmerge.storage.StorageLocation;
import io.embedmerge.storage.StorageProperties;
import io.embedmerge.storage.StoredFile;
import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Runs one merge job: resolve and open the inputs, stream the merge into a staged folder, publish it. */
@Component
class MergeJobRunner {

    private final ObjectStorage storage;
    private final MethodRegistry methods;
    private final JsonMapper json;
    private final Clock clock;
    private final String version;
    private final Evaluator evaluator;
    private final PositioningRunner positioning;
    private final Path cacheDir;
    private final CachedFileDigests digests;

    MergeJobRunner(
            ObjectStorage storage,
            MethodRegistry methods,
            JsonMapper json,
            Clock clock,
            ObjectProvider<BuildProperties> build,
            Evaluator evaluator,
            PositioningRunner positioning,
            StorageProperties storageProperties,
            CachedFileDigests digests) {
        this.digests = digests;
        this.cacheDir = Path.of(storageProperties.cacheDir());
        this.evaluator = evaluator;
        this.positioning = positioning;
        this.storage = storage;
        this.methods = methods;
        this.json = json;
        this.clock = clock;
        BuildProperties properties = build.getIfAvailable();
        this.version = properties == null ? "dev" : properties.getVersion();
    }

    JobResult run(RunTicket ticket, MergeJobRequest request, ProgressReporter progress) {
        StorageLocation target = request.output() != null
                ? storage.resolve(request.output())
                : storage.defaultOutputFor(ticket.jobId().toString());
        Optional<JobResult> published = alreadyPublished(ticket, target);
        if (published.isPresent()) {
            return published.get();
        }
        MergeMethod method = methods.require(request.method().name());
        MethodParams params = methods.validate(method, request.method().params());
        List<Double> weights =
                request.models().stream().map(ModelInput::effectiveWeight).toList();
        List<MethodParams> modelParams = methods.validateModelParams(
                method, request.models().stream().map(ModelInput::params).toList());
        methods.validateWeights(method, params, modelParams, weights);

        progress.stage("fetching", "resolving " + (request.models().size() + 1) + " checkpoints");
        try (CheckpointInputs inputs = CheckpointInputs.open(storage, request.base(), request.models())) {
            MergeExecutor.plan(method, params, inputs.base(), inputs.models(), outputDtype(request));

            DataNeeds.EncoderPass encoderPass = method.dataNeeds().encoderPass();
            boolean dataAware = method.dataNeeds().dataAware();
            // relative weights: an encoder pass over the probe sets, the write pass, one share per scored checkpoint
            List<ProgressSpan> plan = ProgressSpan.WHOLE.split(dataAware ? 2 : 0, 1, scoredCheckpoints(request));
            progress.enter(plan.get(0));
            PositioningRunner.Searched searched = encoderPass == DataNeeds.EncoderPass.COEFFICIENT_SEARCH
                    ? positioning.search(request, params, inputs, progress)
                    : null;
            try (InputDigests inputDigests = InputDigests.start(
                            request, inputs, digests, ticket.jobId().toString());
                    OutputFolder output = storage.createOutput(target)) {
                try (ScratchFolder scratch = ScratchFolder.create(cacheDir, ticket.jobId(), ticket.attempt())) {
                    Precomputed precomputed = switch (encoderPass) {
                        case NONE -> null;
                        case COEFFICIENT_SEARCH -> searched.learned();
                        case FISHER_DIAGONALS -> positioning.fisher(request, params, inputs, scratch, progress);
                        case REGMEAN_WEIGHTS -> positioning.regmean(request, params, inputs, scratch, progress);
                    };
                    progress.stage("merging", "merging with " + method.name(), plan.get(1));
                    new MergeExecutor()
                            .run(
                                    new MergeExecutor.Job(
                                            inputs.base(),
                                            inputs.models(),
                                            method,
                                            params,
                                            weights,
                                            request.effectiveSeed(),
                                            outputDtype(request),
                                            request.effectiveMaxShardBytes(),
                                            precomputed,
                                            request.allowsNonFinite(),
                                            modelParams),
                                    output,
                                    progress);
                }
                progress.checkpoint();
                progress.stage("publishing", "checksums of the inputs, the manifest, publishing " + target.uri());
                List<JobResult.InputFiles> described = inputDigests.await();
                JobResult.MethodUsed methodUsed = new JobResult.MethodUsed(method.name(), params.values());
                MergeManifest manifest = new MergeManifest(
                        ticket.jobId().toString(),
                        "embed-merge",
                        version,
                        Instant.now(clock),
                        request,
                        methodUsed,
                        described,
                        output.files());
                try (OutputStream out = output.create(MergeManifest.FILE_NAME)) {
                    out.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                output.commit();
                JobResult result = JobResult.of(new JobResult.Output(target.uri(), output.files()))
                        .withProvenance(methodUsed, described);
                if (searched != null) {
                    result = result.withCoefficients(
                            searched.coefficients(),
                            searched.lossCurve(),
                            searched.probeLossCurves(),
                            searched.validation());
                }
                progress.enter(plan.get(2));
                return evaluate(request, inputs, target, result, progress);
            }
        }
    }

    /** How many checkpoints the request has scored: none, the merged one, or also the base and each input. */
    private static int scoredCheckpoints(MergeJobRequest request) {
        if (request.evaluation() == null || request.evaluation().isEmpty()) {
            return 0;
        }
        return Boolean.TRUE.equals(request.evaluateInputs()) ? request.models().size() + 2 : 1;
    }

    /**
     * Scores the published output (and, with evaluateInputs, the base and each input) when the request asks, each
     * checkpoint in an equal part of the reporter's current span.
     */
    private JobResult evaluate(
            MergeJobRequest request,
            CheckpointInputs inputs,
            StorageLocation target,
            JobResult result,
            ProgressReporter progress) {
        int count = scoredCheckpoints(request);
        if (count == 0) {
            return result;
        }
        ProgressSpan span = progress.span();
        progress.enter(span.part(0, count));
        Map<String, Score> merged =
                evaluator.score(storage.localFolder(target), request.evaluation(), progress, "merged");
        List<JobResult.CheckpointScores> comparison = null;
        if (Boolean.TRUE.equals(request.evaluateInputs())) {
            comparison = new ArrayList<>();
            progress.enter(span.part(1, count));
            Map<String, Score> base = evaluator.score(inputs.base().folder(), request.evaluation(), progress, "base");
            comparison.add(new JobResult.CheckpointScores("base", request.base(), base, JobResult.average(base)));
            for (int i = 0; i < inputs.models().size(); i++) {
                ModelInput model = request.models().get(i);
                String label = model.label() != null ? model.label() : "models[" + i + "]";
                progress.enter(span.part(i + 2, count));
                Map<String, Score> scores =
                        evaluator.score(inputs.models().get(i).folder(), request.evaluation(), progress, label);
                comparison.add(new JobResult.CheckpointScores(label, model.uri(), scores, JobResult.average(scores)));
            }
            comparison.add(new JobResult.CheckpointScores("merged", target.uri(), merged, JobResult.average(merged)));
        }
        return result.withScores(merged, comparison);
    }

    private static DType outputDtype(MergeJobRequest request) {
        return request.outputDtype() == null ? null : request.outputDtype().dtype();
    }

    /**
     * An earlier attempt of this job may have published the output and died before recording success: its manifest
     * names this job, so the result is taken from it instead of merging again.
     */
    private Optional<JobResult> alreadyPublished(RunTicket ticket, StorageLocation target) {
        Optional<String> text = storage.readText(target.child(MergeManifest.FILE_NAME));
        if (text.isEmpty()) {
            return Optional.empty();
        }
        MergeManifest manifest = json.readValue(text.get(), MergeManifest.class);
        if (!ticket.jobId().toString().equals(manifest.jobId())) {
            return Optional.empty();
        }
        byte[] bytes = text.get().getBytes(StandardCharsets.UTF_8);
        List<StoredFile> files = new ArrayList<>(manifest.files());
        files.add(new StoredFile(MergeManifest.FILE_NAME, bytes.length, FileDigests.sha256Hex(bytes)));
        return Optional.of(JobResult.of(new JobResult.Output(target.uri(), files))
                .withProvenance(manifest.method(), manifest.inputs()));
    }
}
