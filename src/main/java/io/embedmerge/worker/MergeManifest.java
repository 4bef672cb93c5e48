package io.embedmerge.worker;

import io.embedmerge.job.JobRequest;
import io.embedmerge.job.JobResult;
import io.embedmerge.storage.StoredFile;
import java.time.Instant;
import java.util.List;

/** {@code merge-manifest.json}: the last file of every output folder, written when everything else is complete. */
record MergeManifest(
        String jobId,
        String service,
        String serviceVersion,
        Instant createdAt,
        JobRequest request,
        JobResult.MethodUsed method,
        List<JobResult.InputFiles> inputs,
        List<StoredFile> files) {

    static final String FILE_NAME = "merge-manifest.json";
}
