package io.embedmerge.job;

import java.util.List;

/** A request that fails validation at submit time; lists every problem found. */
public class JobValidationException extends RuntimeException {

    private final List<FieldProblem> problems;

    public JobValidationException(List<FieldProblem> problems) {
        super(problems.stream()
                .map(p -> p.field() + ": " + p.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse(""));
        this.problems = List.copyOf(problems);
    }

    public List<FieldProblem> problems() {
        return problems;
    }
}
