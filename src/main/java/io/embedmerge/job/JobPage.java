package io.embedmerge.job;

import java.util.List;

/** One page of jobs, newest first; {@code nextPageToken} is null on the last page. */
public record JobPage(List<Job> jobs, String nextPageToken) {}
