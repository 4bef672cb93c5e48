package io.embedmerge.job;

import java.util.List;

/** One page of job summaries, newest first; {@code nextPageToken} is null on the last page. */
public record JobPage(List<JobSummary> jobs, String nextPageToken) {}
