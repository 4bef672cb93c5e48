package io.embedmerge.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.embedmerge.job.FieldProblem;
import io.embedmerge.job.JobConflictException;
import io.embedmerge.job.JobNotFoundException;
import io.embedmerge.job.JobRequest;
import io.embedmerge.job.JobValidationException;
import io.embedmerge.job.MalformedRequestException;
import io.embedmerge.job.QuotaExceededException;
import io.embedmerge.web.RequestBodyTooLargeException;
import java.net.URI;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Every error is an RFC 9457 problem; validation problems carry {@code errors: [{field, message}]}. */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    static final URI INVALID_REQUEST = URI.create("/problems/invalid-request");
    static final URI MALFORMED_REQUEST = URI.create("/problems/malformed-request");
    static final URI NOT_FOUND = URI.create("/problems/not-found");
    static final URI CONFLICT = URI.create("/problems/conflict");
    static final URI QUOTA_EXCEEDED = URI.create("/problems/quota-exceeded");
    static final URI TOO_LARGE = URI.create(RequestBodyTooLargeException.TYPE);
    private static final String KINDS = String.join(
            ", ",
            Arrays.stream(JobRequest.class.getAnnotation(JsonSubTypes.class).value())
                    .map(JsonSubTypes.Type::name)
                    .toList());

    @ExceptionHandler(JobValidationException.class)
    ProblemDetail invalid(JobValidationException e) {
        return problem(
                HttpStatus.UNPROCESSABLE_CONTENT, INVALID_REQUEST, "Invalid request", e.getMessage(), e.problems());
    }

    @ExceptionHandler(MalformedRequestException.class)
    ProblemDetail malformed(MalformedRequestException e) {
        return problem(
                HttpStatus.BAD_REQUEST, MALFORMED_REQUEST, "Malformed request", e.getMessage(), List.of(e.problem()));
    }

    @ExceptionHandler(RequestBodyTooLargeException.class)
    ProblemDetail tooLarge(RequestBodyTooLargeException e) {
        return problem(
                HttpStatus.CONTENT_TOO_LARGE, TOO_LARGE, RequestBodyTooLargeException.TITLE, e.getMessage(), List.of());
    }

    @ExceptionHandler(JobNotFoundException.class)
    ProblemDetail notFound(JobNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, NOT_FOUND, "Job not found", e.getMessage(), List.of());
    }

    /** 429 with Retry-After (seconds) and {@code limit} naming the quota, e.g. {@code active-jobs}. */
    @ExceptionHandler(QuotaExceededException.class)
    ResponseEntity<ProblemDetail> quotaExceeded(QuotaExceededException e) {
        ProblemDetail body =
                problem(HttpStatus.TOO_MANY_REQUESTS, QUOTA_EXCEEDED, "Quota exceeded", e.getMessage(), List.of());
        body.setProperty("limit", e.limit());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(
                        HttpHeaders.RETRY_AFTER,
                        String.valueOf(Math.max(1, e.retryAfter().toSeconds())))
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(body);
    }

    @ExceptionHandler(JobConflictException.class)
    ProblemDetail conflict(JobConflictException e) {
        return problem(HttpStatus.CONFLICT, CONFLICT, "Conflict", e.getMessage(), List.of());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        String message = "'" + e.getValue() + "' is not a valid " + e.getName();
        return problem(
                HttpStatus.BAD_REQUEST,
                MALFORMED_REQUEST,
                "Malformed request",
                message,
                List.of(new FieldProblem(e.getName(), message)));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof RequestBodyTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                        .body(tooLarge(tooLarge));
            }
        }
        FieldProblem field = describe(ex.getMostSpecificCause());
        ProblemDetail body = problem(
                HttpStatus.BAD_REQUEST,
                MALFORMED_REQUEST,
                "Malformed request",
                field.field().isEmpty() ? field.message() : field.field() + ": " + field.message(),
                List.of(field));
        return ResponseEntity.badRequest()
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(body);
    }

    private static FieldProblem describe(Throwable cause) {
        if (!(cause instanceof JacksonException jackson)) {
            return new FieldProblem("", "the request body is not valid JSON");
        }
        String path = path(jackson);
        return switch (jackson) {
            case InvalidTypeIdException e ->
                new FieldProblem("kind", "'kind' is required and must be one of: " + KINDS);
            case UnrecognizedPropertyException e ->
                new FieldProblem(path, "unknown field '" + e.getPropertyName() + "'");
            case MismatchedInputException e
            when !path.isEmpty() && e.getTargetType() != null ->
                new FieldProblem(path, "must be " + expected(e.getTargetType()));
            default ->
                new FieldProblem(
                        path,
                        path.isEmpty()
                                ? "the request body is not valid JSON: " + firstLine(jackson.getOriginalMessage())
                                : "has the wrong type or format");
        };
    }

    private static String expected(Class<?> type) {
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(c -> c.toString().toLowerCase())
                            .toList();
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == long.class || type == int.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        return "an object";
    }

    private static String path(JacksonException e) {
        StringBuilder out = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    static ProblemDetail problem(HttpStatus status, URI type, String title, String detail, List<FieldProblem> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        if (!errors.isEmpty()) {
            problem.setProperty(
                    "errors",
                    errors.stream()
                            .map(f -> Map.of("field", f.field(), "message", f.message()))
                            .toList());
        }
        return problem;
    }
}
