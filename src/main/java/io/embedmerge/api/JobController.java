package io.embedmerge.api;

import io.embedmerge.job.Caller;
import io.embedmerge.job.JobRequest;
import io.embedmerge.job.JobService;
import io.embedmerge.job.JobStatus;
import io.embedmerge.job.JobSummary;
import io.embedmerge.mergekit.MergekitYamlConverter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

@RestController
@Tag(name = "jobs", description = "Submit, watch, cancel and list merge jobs")
class JobController {

    private static final String PROBLEM = MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    private final JobService jobs;
    private final JobEventStreams streams;
    private final JsonMapper json;
    private final Clock clock;

    JobController(JobService jobs, JobEventStreams streams, JsonMapper json, Clock clock) {
        this.clock = clock;
        this.jobs = jobs;
        this.streams = streams;
        this.json = json;
    }

    @PostMapping(
            path = "/v1/jobs",
            consumes = {MediaType.APPLICATION_JSON_VALUE, MergekitYamlConverter.YAML},
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "submitJob",
            summary = "Submit a job",
            description = "Validates the request (method, parameters, URIs inside the storage roots, inputs present, "
                    + "output absent) and queues the job. With an Idempotency-Key, a retry with the same body returns "
                    + "the same job; the same key with another body is a 409.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            content = {
                                @Content(
                                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                                        schema = @Schema(implementation = JobRequest.class),
                                        examples = {
                                            @ExampleObject(
                                                    name = "merge",
                                                    summary = "TIES merge of two task models, scored on STS-B",
                                                    description = "Checkpoints under ./data; the data set is built in.",
                                                    value = JobRequestExamples.MERGE),
                                            @ExampleObject(
                                                    name = "analyze",
                                                    summary = "Task-vector statistics of two task models",
                                                    description =
                                                            "Norms, angles, sign conflicts and TIES-trim shares per layer, drawn on the report page.",
                                                    value = JobRequestExamples.ANALYZE),
                                            @ExampleObject(
                                                    name = "import",
                                                    summary = "Import the built-in all-MiniLM-L6-v2",
                                                    description =
                                                            "No download: the ONNX export ships with the service.",
                                                    value = JobRequestExamples.IMPORT),
                                            @ExampleObject(
                                                    name = "evaluate",
                                                    summary = "Score a checkpoint on STS-B test and dev",
                                                    description =
                                                            "Spearman × 100 of cosine similarities on two built-in STS-B splits.",
                                                    value = JobRequestExamples.EVALUATE),
                                            @ExampleObject(
                                                    name = "train",
                                                    summary = "One epoch of CoSENT on STS-B train",
                                                    description =
                                                            "CoSENT on every scored pair of the built-in STS-B train split.",
                                                    value = JobRequestExamples.TRAIN)
                                        }),
                                @Content(
                                        mediaType = MergekitYamlConverter.YAML,
                                        schema =
                                                @Schema(
                                                        type = "string",
                                                        description =
                                                                "A mergekit merge config: merge_method, base_model, models[].model, "
                                                                        + "models[].parameters, parameters, dtype, tokenizer_source: base, and for passthrough "
                                                                        + "slices (one source each, with layer_range: layer stacking). An unsupported key or value is a 422 naming its YAML path."),
                                        examples =
                                                @ExampleObject(
                                                        name = "mergekit",
                                                        summary = "A mergekit TIES config",
                                                        value = MergekitConfigController.MERGEKIT_EXAMPLE))
                            }))
    @ApiResponse(responseCode = "202", description = "Accepted; Location points at the job")
    @ApiResponse(
            responseCode = "400",
            description = "Malformed JSON, a missing or unknown `kind`, a value of the wrong "
                    + "type, or an Idempotency-Key that is not 1 to 255 printable ASCII characters",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples = {
                                @ExampleObject(
                                        name = "malformedJson",
                                        description = "The body is not JSON",
                                        value = ProblemExamples.MALFORMED_JSON),
                                @ExampleObject(
                                        name = "unknownKind",
                                        description = "`kind` is missing or unknown",
                                        value = ProblemExamples.UNKNOWN_KIND),
                                @ExampleObject(
                                        name = "wrongType",
                                        description = "A value of the wrong type",
                                        value = ProblemExamples.WRONG_TYPE),
                                @ExampleObject(
                                        name = "badIdempotencyKey",
                                        description = "An Idempotency-Key that is not 1 to 255 "
                                                + "printable ASCII characters",
                                        value = ProblemExamples.BAD_IDEMPOTENCY_KEY)
                            }))
    @ApiResponse(
            responseCode = "403",
            description = "A foreign `Origin` not in merge.cors.allowed-origins",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "foreignOrigin",
                                            description = "Sent by another site's page",
                                            value = ProblemExamples.FOREIGN_ORIGIN)))
    @ApiResponse(
            responseCode = "413",
            description = "The body is larger than merge.limits.max-body-size (default 1 MB)",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "requestTooLarge",
                                            description = "A 50 MB body",
                                            value = ProblemExamples.REQUEST_TOO_LARGE)))
    @ApiResponse(
            responseCode = "415",
            description = "A body that is neither JSON nor a mergekit config (application/yaml), form posts included",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "formPost",
                                            description = "A form post",
                                            value = ProblemExamples.FORM_POST)))
    @ApiResponse(
            responseCode = "409",
            description = "Idempotency-Key reused with another body",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "idempotencyKeyReused",
                                            description = "Same key, another body",
                                            value = ProblemExamples.IDEMPOTENCY_CONFLICT)))
    @ApiResponse(
            responseCode = "422",
            description = "Valid JSON that cannot be run; `errors` names each field",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples = {
                                @ExampleObject(
                                        name = "invalidJob",
                                        description = "A missing input and a parameter out of range",
                                        value = ProblemExamples.INVALID_JOB),
                                @ExampleObject(
                                        name = "tooManyModels",
                                        description = "More models than merge.limits.max-models",
                                        value = ProblemExamples.TOO_MANY_MODELS),
                                @ExampleObject(
                                        name = "unsupportedMergekitKey",
                                        description = "A mergekit config with a " + "key this service does not support",
                                        value = ProblemExamples.UNSUPPORTED_MERGEKIT_KEY)
                            }))
    ResponseEntity<JobView> submit(
            @Parameter(hidden = true) Caller caller,
            @RequestBody JobRequest request,
            @Parameter(
                            description = "Makes retries safe: the same key and body return the same job. 1 to 255 "
                                    + "printable ASCII characters.",
                            schema = @Schema(type = "string", minLength = 1, maxLength = 255))
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    String idempotencyKey) {
        JobService.Submission submission = jobs.submit(caller, request, idempotencyKey);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/v1/jobs/" + submission.job().getId()))
                .body(JobView.of(submission.job(), jobs)
                        .withNotifySecret(submission.job().getNotifySecret()));
    }

    @GetMapping(path = "/v1/jobs/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "getJob",
            summary = "Get a job",
            description = "Status, progress (stage, fraction, ETA), result or error. With `wait`, answers as soon as "
                    + "the job has ended or when the wait is over, whichever is first, so that a pipeline step can "
                    + "wait with plain curl in a loop.")
    @ApiResponse(responseCode = "200", description = "The job")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID, or `wait` is not a duration of at most 60 s",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples = {
                                @ExampleObject(
                                        name = "badJobId",
                                        description = "The id is not a UUID",
                                        value = ProblemExamples.BAD_JOB_ID),
                                @ExampleObject(
                                        name = "badWait",
                                        description = "`wait` is not a duration",
                                        value = ProblemExamples.BAD_WAIT)
                            }))
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
                                            value = ProblemExamples.JOB_NOT_FOUND)))
    JobView get(
            @Parameter(hidden = true) Caller caller,
            @PathVariable UUID id,
            @RequestParam(required = false)
                    @Parameter(
                            description = "Wait up to this long for the job to end: "
                                    + "a number with unit ms, s or m (seconds without one), at most 60s",
                            example = "30s",
                            schema = @Schema(type = "string", pattern = "^[0-9]{1,9}(ms|s|m)?$"))
                    String wait) {
        if (wait == null) {
            return JobView.of(jobs.get(caller, id), jobs);
        }
        return JobView.of(jobs.await(caller, id, WaitParameter.parse(wait)), jobs);
    }

    @GetMapping(path = "/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listJobs",
            summary = "List jobs",
            description = "Newest first, with cursor pagination "
                    + "through nextPageToken. Each job is a summary (id, kind, status, progress, timestamps, pool, tenant, "
                    + "error code) unless view=full asks for whole jobs (with metadata, request and result). `metadata.<key>=<value>` parameters (several "
                    + "are AND-ed) keep the jobs whose metadata has exactly that value under that key, e.g. "
                    + "`?metadata.argo-workflow=nightly-merge-7f2c`.",
            parameters =
                    @Parameter(
                            name = "metadata.<key>",
                            in = io.swagger.v3.oas.annotations.enums.ParameterIn.QUERY,
                            description = "A metadata filter: replace `<key>` by the key",
                            example = "nightly-merge-7f2c",
                            schema = @Schema(type = "string", maxLength = 256)))
    @ApiResponse(responseCode = "200", description = "A page of jobs")
    @ApiResponse(
            responseCode = "400",
            description = "`status` is not a job status, or a `metadata.<key>` parameter " + "names no valid key",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples = {
                                @ExampleObject(
                                        name = "badStatus",
                                        description = "Not one of the job statuses",
                                        value = ProblemExamples.BAD_STATUS),
                                @ExampleObject(
                                        name = "badMetadataFilter",
                                        description = "Not a metadata key",
                                        value = ProblemExamples.BAD_METADATA_FILTER)
                            }))
    @ApiResponse(
            responseCode = "422",
            description = "`pageSize` out of range or a `pageToken` this API did not issue",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "badPageSize",
                                            description = "pageSize above 200",
                                            value = ProblemExamples.BAD_PAGE)))
    JobPageView list(
            @Parameter(hidden = true) Caller caller,
            @RequestParam(required = false) JobStatus status,
            @RequestParam(required = false) @Parameter(example = "merge") String kind,
            @RequestParam(required = false) String pageToken,
            @RequestParam(defaultValue = "50") @Parameter(description = "1 to 200") int pageSize,
            @RequestParam(defaultValue = "summary")
                    @Parameter(description = "summary (default) or full: " + "each job as GET /v1/jobs/{id} shows it")
                    JobListView view,
            @RequestParam @Parameter(hidden = true) Map<String, String> parameters) {
        var page = jobs.list(caller, status, kind, MetadataFilters.of(parameters), pageToken, pageSize);
        List<?> shown = view == JobListView.full
                ? jobs.get(caller, page.jobs().stream().map(JobSummary::id).toList()).stream()
                        .map(j -> JobView.of(j, jobs))
                        .toList()
                : page.jobs().stream().map(JobSummaryView::of).toList();
        return new JobPageView(shown, page.nextPageToken());
    }

    @PostMapping(path = "/v1/jobs/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "cancelJob",
            summary = "Cancel a job",
            description = "A queued job is cancelled at once; a running one stops "
                    + "within seconds (checked between tensors) and leaves no output. 409 when the job already ended.")
    @ApiResponse(responseCode = "202", description = "Cancelled, or cancellation requested")
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "badJobId",
                                            description = "The id is not a UUID",
                                            value = ProblemExamples.BAD_CANCEL_ID)))
    @ApiResponse(
            responseCode = "403",
            description = "A foreign `Origin` not in merge.cors.allowed-origins",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "foreignOrigin",
                                            description = "Sent by another site's page",
                                            value = ProblemExamples.CANCEL_FOREIGN_ORIGIN)))
    @ApiResponse(
            responseCode = "415",
            description = "A body that is not JSON (form posts included); send none",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "formPost",
                                            description = "A cross-site form post",
                                            value = ProblemExamples.CANCEL_FORM_POST)))
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
                                            value = ProblemExamples.CANCEL_NOT_FOUND)))
    @ApiResponse(
            responseCode = "409",
            description = "The job already ended",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "alreadyEnded",
                                            description = "The job was already cancelled",
                                            value = ProblemExamples.ALREADY_ENDED)))
    ResponseEntity<JobView> cancel(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(JobView.of(jobs.cancel(caller, id), jobs));
    }

    @GetMapping(path = "/v1/jobs/{id}/report", produces = MediaType.TEXT_HTML_VALUE)
    @Operation(
            operationId = "getJobReport",
            summary = "A job's report as an HTML page",
            description = "Status and output files; for merges the method with its parameters, the inputs with their "
                    + "checksums and the time per stage; for analyze jobs a heat map of the angles between task vectors, "
                    + "sign-conflict rates and bar charts of norms and TIES-trim shares per layer (plain SVG).")
    @ApiResponse(
            responseCode = "200",
            description = "The page",
            content = @Content(mediaType = MediaType.TEXT_HTML_VALUE, schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "badJobId",
                                            description = "The id is not a UUID",
                                            value = ProblemExamples.BAD_REPORT_ID)))
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
                                            value = ProblemExamples.REPORT_NOT_FOUND)))
    ResponseEntity<String> report(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
        JobView job = JobView.of(jobs.get(caller, id), jobs);
        List<JobEventView> events = jobs.events(caller, id, 0, 10_000).stream()
                .map(e -> JobEventView.of(e, json))
                .toList();
        return ResponseEntity.ok()
                .header("Content-Security-Policy", HtmlPage.CONTENT_SECURITY_POLICY)
                .body(ReportPage.render(job, StageTimings.of(events, clock.instant())));
    }

    @GetMapping(path = "/v1/jobs/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listJobEvents",
            summary = "List or stream a job's events",
            description = "Ordered state and progress events. With `Accept: text/event-stream` they are streamed live "
                    + "as Server-Sent Events (id = event id, event = type, data = the JobEvent JSON) until the job "
                    + "ends; the stream resumes after `Last-Event-ID` or `after`.")
    @ApiResponse(
            responseCode = "200",
            description = "The events",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                        array =
                                @io.swagger.v3.oas.annotations.media.ArraySchema(
                                        schema = @Schema(implementation = JobEventView.class))),
                @Content(
                        mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
                        schema = @Schema(implementation = JobEventView.class))
            })
    @ApiResponse(
            responseCode = "400",
            description = "The id is not a UUID",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "badJobId",
                                            description = "The id is not a UUID",
                                            value = ProblemExamples.BAD_EVENTS_ID)))
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
                                            value = ProblemExamples.EVENTS_NOT_FOUND)))
    List<JobEventView> events(
            @Parameter(hidden = true) Caller caller,
            @PathVariable UUID id,
            @RequestHeader(name = "Last-Event-ID", required = false)
                    @Parameter(description = "For streams: resume after this event id")
                    Long lastEventId,
            @RequestParam(defaultValue = "0") @Parameter(description = "Only events with a larger id") long after,
            @RequestParam(defaultValue = "1000") int limit) {
        long from = lastEventId != null ? Math.max(lastEventId, after) : after;
        return jobs.events(caller, id, from, Math.clamp(limit, 1, 10_000)).stream()
                .map(e -> JobEventView.of(e, json))
                .toList();
    }

    @GetMapping(path = "/v1/jobs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(hidden = true)
    SseEmitter stream(
            Caller caller,
            @PathVariable UUID id,
            @RequestHeader(name = "Last-Event-ID", required = false) Long lastEventId,
            @RequestParam(defaultValue = "0") long after) {
        jobs.get(caller, id);
        return streams.open(caller, id, lastEventId != null ? lastEventId : after);
    }
}
