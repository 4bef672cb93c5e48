package io.embedmerge.job;

/** A request the service cannot even interpret (400), such as an unusable header; names the offending part. */
public class MalformedRequestException extends RuntimeException {

    private final FieldProblem problem;

    public MalformedRequestException(FieldProblem problem) {
        super(problem.field() + ": " + problem.message());
        this.problem = problem;
    }

    public FieldProblem problem() {
        return problem;
    }
}
