package io.embedmerge.webhooks;

import io.embedmerge.api.ProblemDocument;
import io.embedmerge.job.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(
        name = "webhooks",
        description = "Endpoints that receive a tenant's job events (Standard Webhooks 1.0), and "
                + "the deliveries of a job")
class WebhookController {

    private static final String PROBLEM = MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    private static final String SIGNING = " Deliveries carry the headers webhook-id (the same on every retry of an "
            + "event), webhook-timestamp (Unix seconds) and webhook-signature (`v1,` + base64 HMAC-SHA256 of "
            + "`id.timestamp.body`, keyed with the base64-decoded part of the secret after `whsec_`); the body is "
            + "`{\"type\": \"job.succeeded\", \"timestamp\": ..., \"data\": <the job>}`.";

    private final Webhooks webhooks;

    WebhookController(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @PostMapping(
            path = "/v1/webhooks",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "createWebhook",
            summary = "Register a webhook endpoint",
            description = "Every job of the tenant posts the chosen events to the URL. The answer holds the signing "
                    + "secret; it is not shown again (rotate to get a new one)." + SIGNING)
    @ApiResponse(responseCode = "201", description = "Registered; `secret` is shown this once")
    @ApiResponse(
            responseCode = "422",
            description =
                    "Not an https URL (http only for allowlisted hosts), an unknown " + "event, or too many webhooks",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "invalidWebhook",
                                            description = "A plain-http URL",
                                            value = WebhookProblemExamples.INVALID_WEBHOOK)))
    ResponseEntity<WebhookView> create(
            @Parameter(hidden = true) Caller caller, @RequestBody WebhookRegistration registration) {
        WebhookEndpoint created = webhooks.register(caller, registration);
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/v1/webhooks/" + created.id()))
                .body(WebhookView.of(created, true));
    }

    @GetMapping(path = "/v1/webhooks", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listWebhooks",
            summary = "List the tenant's webhook endpoints",
            description = "Without secrets; with the last final delivery failure of each.")
    @ApiResponse(
            responseCode = "200",
            description = "The endpoints",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = WebhookView.class))))
    List<WebhookView> list(@Parameter(hidden = true) Caller caller) {
        return webhooks.list(caller).stream().map(e -> WebhookView.of(e, false)).toList();
    }

    @DeleteMapping(path = "/v1/webhooks/{id}")
    @Operation(
            operationId = "deleteWebhook",
            summary = "Delete a webhook endpoint",
            description = "Its pending deliveries are still made; no new events are queued for it.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(
            responseCode = "404",
            description = "No such webhook",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "unknownWebhook",
                                            description = "No webhook of the tenant has this id",
                                            value = WebhookProblemExamples.WEBHOOK_NOT_FOUND)))
    ResponseEntity<Void> delete(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
        webhooks.delete(caller, id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/v1/webhooks/{id}/rotate", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "rotateWebhookSecret",
            summary = "Rotate a webhook's signing secret",
            description = "New events are signed with the new secret, shown this once; deliveries already queued "
                    + "keep the secret they were queued with.")
    @ApiResponse(responseCode = "200", description = "The endpoint with its new secret")
    @ApiResponse(
            responseCode = "404",
            description = "No such webhook",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "unknownWebhook",
                                            description = "No webhook of the tenant has this id",
                                            value = WebhookProblemExamples.ROTATE_NOT_FOUND)))
    WebhookView rotate(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
        return WebhookView.of(webhooks.rotate(caller, id), true);
    }

    @GetMapping(path = "/v1/jobs/{id}/deliveries", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listJobDeliveries",
            summary = "A job's webhook deliveries",
            description = "Each event for each receiver (the job's notify URL and the tenant's endpoints) with its "
                    + "attempts: status codes, errors and latency.")
    @ApiResponse(
            responseCode = "200",
            description = "The deliveries, oldest first",
            content = @Content(array = @ArraySchema(schema = @Schema(implementation = DeliveryView.class))))
    @ApiResponse(
            responseCode = "404",
            description = "No such job",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "unknownJob",
                                            description = "No job has this id",
                                            value = WebhookProblemExamples.DELIVERIES_JOB_NOT_FOUND)))
    List<DeliveryView> deliveries(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
        return webhooks.deliveries(caller, id);
    }

    @ExceptionHandler(WebhookNotFoundException.class)
    ProblemDetail notFound(WebhookNotFoundException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setType(URI.create("/problems/not-found"));
        problem.setTitle("Webhook not found");
        return problem;
    }
}
