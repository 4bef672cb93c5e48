package io.embedmerge.worker;

import io.embedmerge.analysis.TaskVectorAnalysis;
import io.embedmerge.analysis.TaskVectorReport;
import io.embedmerge.job.AnalyzeJobRequest;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.ModelInput;
import io.embedmerge.merge.execution.MergeExecutor;
import io.embedmerge.storage.ObjectStorage;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** Runs an analyze job: task-vector statistics of the models against the base. */
@Component
class AnalyzeJobRunner {

    private final ObjectStorage storage;

    AnalyzeJobRunner(ObjectStorage storage) {
        this.storage = storage;
    }

    JobResult run(AnalyzeJobRequest request, ProgressReporter progress) {
        progress.stage("fetching", "resolving " + (request.models().size() + 1) + " checkpoints");
        try (CheckpointInputs inputs = CheckpointInputs.open(storage, request.base(), request.models())) {
            MergeExecutor.plan(inputs.base(), inputs.models(), null);
            List<String> labels = new ArrayList<>();
            for (int i = 0; i < request.models().size(); i++) {
                ModelInput model = request.models().get(i);
                labels.add(model.label() != null ? model.label() : "model " + (i + 1));
            }
            TaskVectorReport report = TaskVectorAnalysis.run(
                    inputs.base(), inputs.models(), labels, request.effectiveDensity(), progress);
            return JobResult.of(report);
        }
    }
}
