package io.embedmerge.webhooks;

/** The error examples of the webhook operations (ApiExamplesTest provokes each). */
final class WebhookProblemExamples {

    static final String INVALID_WEBHOOK = """
            {"type": "/problems/invalid-request", "title": "Invalid request", "status": 422,
             "detail": "url: must use https (http only for hosts in merge.webhooks.allowed-http-hosts)",
             "instance": "/v1/webhooks",
             "errors": [{"field": "url", "message": "must use https (http only for hosts in merge.webhooks.allowed-http-hosts)"}]}""";

    private static final String NOT_FOUND_AT = """
            {"type": "/problems/not-found", "title": "Webhook not found", "status": 404,
             "detail": "no webhook with id 0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13",
             "instance": "/v1/webhooks/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13""";

    static final String WEBHOOK_NOT_FOUND = NOT_FOUND_AT + "\"}";
    static final String ROTATE_NOT_FOUND = NOT_FOUND_AT + "/rotate\"}";

    static final String DELIVERIES_JOB_NOT_FOUND = """
            {"type": "/problems/not-found", "title": "Job not found", "status": 404,
             "detail": "no job with id 0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13",
             "instance": "/v1/jobs/0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13/deliveries"}""";

    private WebhookProblemExamples() {}
}
