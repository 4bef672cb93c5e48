package io.embedmerge.worker;

import io.embedmerge.job.EvaluateJobRequest;
import io.embedmerge.job.JobResult;
import io.embedmerge.storage.ObjectStorage;
import org.springframework.stereotype.Component;

/** Runs an evaluate job: scores of one checkpoint. */
@Component
class EvaluateJobRunner {

    private final ObjectStorage storage;
    private final Evaluator evaluator;

    EvaluateJobRunner(ObjectStorage storage, Evaluator evaluator) {
        this.storage = storage;
        this.evaluator = evaluator;
    }

    JobResult run(EvaluateJobRequest request, ProgressReporter progress) {
        progress.stage("fetching", "resolving " + request.checkpoint());
        var folder = storage.localFolder(storage.resolve(request.checkpoint()));
        var scores = evaluator.score(folder, request.evaluation(), progress, "checkpoint");
        return JobResult.empty().withScores(scores, null);
    }
}
