package io.embedmerge.api;

/**
 * Example problem documents, one per error an operation can return, as the service writes them. ApiExamplesTest
 * provokes each error and compares type, title, status and the fields named in {@code errors}.
 */
final class ProblemExamples {

    static final String MALFORMED_JSON = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "the request body is not valid JSON: Unexpected end-of-input within/between Object entries",
             "instance": "/v1/jobs",
             "errors": [{"field": "", "message": "the request body is not valid JSON: Unexpected end-of-input within/between Object entries"}]}""";

    static final String WRONG_TYPE = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "seed: must be a number",
             "instance": "/v1/jobs",
             "errors": [{"field": "seed", "message": "must be a number"}]}""";

    static final String UNKNOWN_KIND = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "kind: 'kind' is required and must be one of: merge, analyze, import, evaluate, train",
             "instance": "/v1/jobs",
             "errors": [{"field": "kind", "message": "'kind' is required and must be one of: merge, analyze, import, evaluate, train"}]}""";

    static final String IDEMPOTENCY_CONFLICT = """
            {"type": "/problems/conflict", "title": "Conflict", "status": 409,
             "detail": "the Idempotency-Key was already used for job 0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13 with a different request body",
             "instance": "/v1/jobs"}""";

    static final String INVALID_JOB = """
            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
             "detail": "models[1].uri: checkpoint 'file:./data/models/nli' does not exist; method.params.density: density must be within [1.0E-9, 1.0], got 1.5",
             "instance": "/v1/jobs",
             "errors": [{"field": "models[1].uri", "message": "checkpoint 'file:./data/models/nli' does not exist"},
                        {"field": "method.params.density", "message": "density must be within [1.0E-9, 1.0], got 1.5"}]}""";

    static final String BAD_IDEMPOTENCY_KEY = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "Idempotency-Key: must be 1 to 255 characters long, got 300",
             "instance": "/v1/jobs",
             "errors": [{"field": "Idempotency-Key", "message": "must be 1 to 255 characters long, got 300"}]}""";

    static final String REQUEST_TOO_LARGE = """
            {"type": "/problems/request-too-large", "title": "Request too large", "status": 413,
             "detail": "the request body has 52428800 bytes; at most 1048576 are accepted",
             "instance": "/v1/jobs"}""";

    static final String TOO_MANY_MODELS = """
            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
             "detail": "models: must have at most 64 entries, got 1000",
             "instance": "/v1/jobs",
             "errors": [{"field": "models", "message": "must have at most 64 entries, got 1000"}]}""";

    static final String FORM_POST = """
            {"type": "/problems/unsupported-media-type", "title": "Unsupported media type", "status": 415,
             "detail": "a POST request takes a JSON body (Content-Type: application/json) or none, not application/x-www-form-urlencoded",
             "instance": "/v1/jobs"}""";

    static final String FOREIGN_ORIGIN = """
            {"type": "/problems/foreign-origin", "title": "Foreign origin", "status": 403,
             "detail": "requests from origin http://evil.example may not change state; see merge.cors.allowed-origins",
             "instance": "/v1/jobs"}""";

    static final String CANCEL_FORM_POST = """
            {"type": "/problems/unsupported-media-type", "title": "Unsupported media type", "status": 415,
             "detail": "a POST request takes a JSON body (Content-Type: application/json) or none, not application/x-www-form-urlencoded",
             "instance": "/v1/jobs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13/cancel"}""";

    static final String CANCEL_FOREIGN_ORIGIN = """
            {"type": "/problems/foreign-origin", "title": "Foreign origin", "status": 403,
             "detail": "requests from origin http://evil.example may not change state; see merge.cors.allowed-origins",
             "instance": "/v1/jobs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13/cancel"}""";

    /** A 404 of a job path; the constants below add the path and close the object. */
    private static final String NOT_FOUND_AT = """
            {"type": "/problems/not-found", "title": "Job not found", "status": 404,
             "detail": "no job with id 0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13",
             "instance": "/v1/jobs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13""";

    static final String JOB_NOT_FOUND = NOT_FOUND_AT + "\"}";
    static final String CANCEL_NOT_FOUND = NOT_FOUND_AT + "/cancel\"}";
    static final String EVENTS_NOT_FOUND = NOT_FOUND_AT + "/events\"}";
    static final String REPORT_NOT_FOUND = NOT_FOUND_AT + "/report\"}";

    /** A 400 for a job id that is not a UUID; the constants below add the path and close the object. */
    private static final String BAD_ID_AT = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "'42' is not a valid id",
             "errors": [{"field": "id", "message": "'42' is not a valid id"}],
             "instance": "/v1/jobs/42""";

    static final String BAD_JOB_ID = BAD_ID_AT + "\"}";
    static final String BAD_CANCEL_ID = BAD_ID_AT + "/cancel\"}";
    static final String BAD_REPORT_ID = BAD_ID_AT + "/report\"}";
    static final String BAD_EVENTS_ID = BAD_ID_AT + "/events\"}";

    static final String ALREADY_ENDED = """
            {"type": "/problems/conflict", "title": "Conflict", "status": 409,
             "detail": "job 0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13 is already CANCELLED",
             "instance": "/v1/jobs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13/cancel"}""";

    static final String BAD_WAIT = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "wait: 'soon' is not a duration such as 30s, 500ms or 1m",
             "instance": "/v1/jobs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13",
             "errors": [{"field": "wait", "message": "'soon' is not a duration such as 30s, 500ms or 1m"}]}""";

    static final String BAD_METADATA_FILTER = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "metadata.a b: not a metadata key (1 to 63 characters of a-z, A-Z, 0-9, '.', '_' or '-')",
             "instance": "/v1/jobs",
             "errors": [{"field": "metadata.a b", "message": "not a metadata key (1 to 63 characters of a-z, A-Z, 0-9, '.', '_' or '-')"}]}""";

    static final String BAD_STATUS = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "'DONE' is not a valid status",
             "instance": "/v1/jobs",
             "errors": [{"field": "status", "message": "'DONE' is not a valid status"}]}""";

    static final String BAD_PAGE = """
            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
             "detail": "pageSize: must be between 1 and 200",
             "instance": "/v1/jobs",
             "errors": [{"field": "pageSize", "message": "must be between 1 and 200"}]}""";

    static final String NOT_ACCEPTABLE_METHODS = """
            {"title": "Not Acceptable", "status": 406,
             "detail": "Acceptable representations: [application/json].",
             "instance": "/v1/methods"}""";

    static final String NOT_ACCEPTABLE_DATASETS = """
            {"title": "Not Acceptable", "status": 406,
             "detail": "Acceptable representations: [application/json].",
             "instance": "/v1/datasets"}""";

    private ProblemExamples() {}

    static final String UNAUTHORIZED = """
            {"type": "/problems/unauthorized", "title": "Unauthorized", "status": 401,
             "detail": "Authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'",
             "instance": "/v1/jobs"}""";

    static final String INSUFFICIENT_SCOPE = """
            {"type": "/problems/forbidden", "title": "Forbidden", "status": 403,
             "detail": "This operation needs the scope jobs:write; the caller has [jobs:read]",
             "instance": "/v1/jobs"}""";

    static final String QUOTA_EXCEEDED = """
            {"type": "/problems/quota-exceeded", "title": "Quota exceeded", "status": 429,
             "detail": "tenant 'team-a' has 4 queued or running jobs, its limit (max-active-jobs) is 4",
             "instance": "/v1/jobs", "limit": "active-jobs"}""";

    static final String MERGEKIT_NOT_FOUND = NOT_FOUND_AT + "/mergekit.yaml\"}";

    static final String MERGEKIT_BAD_ID = BAD_ID_AT + "/mergekit.yaml\"}";

    static final String MERGEKIT_NOT_A_MERGE = """
            {"type": "/problems/conflict", "title": "Conflict", "status": 409,
             "detail": "job 0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13 is a train job; only merge jobs have a mergekit config",
             "instance": "/v1/jobs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13/mergekit.yaml"}""";

    static final String UNSUPPORTED_MERGEKIT_KEY = """
            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
             "detail": "models[0].parameters.foo: 'foo' cannot be set per model for ties",
             "instance": "/v1/jobs",
             "errors": [{"field": "models[0].parameters.foo", "message": "'foo' cannot be set per model for ties"}]}""";
}
