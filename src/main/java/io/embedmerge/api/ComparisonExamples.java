package io.embedmerge.api;

/** The examples of GET /v1/compare: an answer, and each error (ApiExamplesTest provokes each error). */
final class ComparisonExamples {

    /**
     * A TIES merge scored with evaluateInputs, a Self-Positioning merge of the same base and inputs (which are
     * therefore listed once) and a failed merge.
     */
    static final String COMPARISON = """
            {"columns": ["stsb-test", "pairs"],
             "rows": [
              {"label": "base", "role": "base", "job": "7f2c1a3b-5d9e-4c1a-8f3b-2e6d9a0c4b17", "kind": "merge",
               "status": "SUCCEEDED", "uri": "file:./data/models/base",
               "scores": {"stsb-test": {"value": 76.12, "best": false}, "pairs": {"value": 61.4, "best": false}},
               "average": {"value": 68.76, "best": false}},
              {"label": "sts", "role": "input", "job": "7f2c1a3b-5d9e-4c1a-8f3b-2e6d9a0c4b17", "kind": "merge",
               "status": "SUCCEEDED", "uri": "file:./data/models/sts",
               "scores": {"stsb-test": {"value": 82.95, "best": false}, "pairs": {"value": 58.2, "best": false}},
               "average": {"value": 70.575, "best": false}},
              {"label": "nli", "role": "input", "job": "7f2c1a3b-5d9e-4c1a-8f3b-2e6d9a0c4b17", "kind": "merge",
               "status": "SUCCEEDED", "uri": "file:./data/models/nli",
               "scores": {"stsb-test": {"value": 79.85, "best": false}, "pairs": {"value": 66.1, "best": false}},
               "average": {"value": 72.975, "best": false}},
              {"label": "7f2c1a3b ties", "role": "merged", "job": "7f2c1a3b-5d9e-4c1a-8f3b-2e6d9a0c4b17",
               "kind": "merge", "status": "SUCCEEDED",
               "uri": "file:./data/outputs/7f2c1a3b-5d9e-4c1a-8f3b-2e6d9a0c4b17/",
               "method": {"name": "ties", "params": {"density": 0.2, "lambda": 1.0}},
               "scores": {"stsb-test": {"value": 83.1, "best": true}, "pairs": {"value": 65.9, "best": false}},
               "average": {"value": 74.5, "best": false}, "metadata": {"experiment": "sts-nli"}},
              {"label": "0b6f8c52 self_positioning", "role": "merged", "job": "0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13",
               "kind": "merge", "status": "SUCCEEDED",
               "uri": "file:./data/outputs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13/",
               "method": {"name": "self_positioning", "params": {"steps": 200, "batchSize": 16,
                          "learningRate": 0.05, "mu": 0.01, "initLambda": 1.0}},
               "coefficients": {"weights": [0.62, 0.41], "lambda": 1.12, "t": [0.4], "c": [0.6, 0.4]},
               "scores": {"stsb-test": {"value": 83.1, "best": true}, "pairs": {"value": 67.25, "best": true}},
               "average": {"value": 75.175, "best": true}, "metadata": {"experiment": "sts-nli"}},
              {"label": "c4e1f0d7 dare_ties", "role": "merged", "job": "c4e1f0d7-a13b-4f2e-9d6a-5b8c7e2f1a90",
               "kind": "merge", "status": "FAILED",
               "method": {"name": "dare_ties", "params": {"density": 0.1}},
               "scores": {"stsb-test": {"value": null, "best": false}, "pairs": {"value": null, "best": false}},
               "average": {"value": null, "best": false}, "errorCode": "NON_FINITE_OUTPUT",
               "metadata": {"experiment": "sts-nli"}}]}""";

    static final String BAD_IDS = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "ids: '42' is not a valid id",
             "instance": "/v1/compare",
             "errors": [{"field": "ids", "message": "'42' is not a valid id"}]}""";

    static final String NO_SELECTION = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "ids: give ids=<id>,<id>,... or at least one metadata.<key>=<value> filter",
             "instance": "/v1/compare",
             "errors": [{"field": "ids", "message": "give ids=<id>,<id>,... or at least one metadata.<key>=<value> filter"}]}""";

    static final String BAD_METADATA_FILTER = """
            {"type": "/problems/malformed-request", "title": "Malformed request", "status": 400,
             "detail": "metadata.a b: not a metadata key (1 to 63 characters of a-z, A-Z, 0-9, '.', '_' or '-')",
             "instance": "/v1/compare",
             "errors": [{"field": "metadata.a b", "message": "not a metadata key (1 to 63 characters of a-z, A-Z, 0-9, '.', '_' or '-')"}]}""";

    static final String UNKNOWN_JOB = """
            {"type": "/problems/not-found", "title": "Job not found", "status": 404,
             "detail": "no job with id 0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13",
             "instance": "/v1/compare"}""";

    static final String TOO_MANY_IDS = """
            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
             "detail": "ids: at most 50 jobs are compared (limit), got 51",
             "instance": "/v1/compare",
             "errors": [{"field": "ids", "message": "at most 50 jobs are compared (limit), got 51"}]}""";

    static final String TOO_MANY_MATCHES = """
            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
             "detail": "limit: more than 50 jobs match the metadata filters; narrow the filters or raise limit",
             "instance": "/v1/compare",
             "errors": [{"field": "limit", "message": "more than 50 jobs match the metadata filters; narrow the filters or raise limit"}]}""";

    static final String BAD_LIMIT = """
            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
             "detail": "limit: must be between 1 and 200",
             "instance": "/v1/compare",
             "errors": [{"field": "limit", "message": "must be between 1 and 200"}]}""";

    private ComparisonExamples() {}
}
