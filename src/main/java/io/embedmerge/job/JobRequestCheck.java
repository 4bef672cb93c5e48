package io.embedmerge.job;

import java.util.List;

/** A submit-time check contributed by another package (e.g. the webhook URL policy). */
public interface JobRequestCheck {

    void check(JobRequest request, List<FieldProblem> problems);
}
