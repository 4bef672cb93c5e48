package io.embedmerge.worker;

import io.embedmerge.job.JobRequest;
import io.embedmerge.storage.StoredFile;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code merge-manifest.json}: the last file of every output folder, written when everything else is complete. */
record MergeManifest(
        String jobId,
        String service,
        String serviceVersion,
        Instant createdAt,
        JobRequest request,
        Method method,
        List<Input> inputs,
        List<StoredFile> files) {

    static final String FILE_NAME = "merge-manifest.json";

    record Method(String name, Map<String, Object> params) {
    }

    /** @param role {@code base} or {@code model} */
    record Input(String role, String uri, String label, List<StoredFile> files) {
    }
}
