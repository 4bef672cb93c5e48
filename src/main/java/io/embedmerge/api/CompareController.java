package io.embedmerge.api;

import io.embedmerge.job.Caller;
import io.embedmerge.job.Job;
import io.embedmerge.job.JobService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.ContentNegotiationManager;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.NativeWebRequest;

@RestController
@Tag(name = "compare", description = "Compare the scores of a group of jobs")
class CompareController {

    private static final String PROBLEM = MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

    private final JobService jobs;
    private final ContentNegotiationManager negotiation;

    CompareController(JobService jobs, ContentNegotiationManager negotiation) {
        this.jobs = jobs;
        this.negotiation = negotiation;
    }

    /** The two representations; {@code format} chooses one regardless of Accept (for links in a browser). */
    enum Format {
        json,
        html
    }

    @GetMapping(
            path = "/v1/compare",
            produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_HTML_VALUE})
    @Operation(
            operationId = "compareJobs",
            summary = "Compare the scores of a group of jobs",
            description =
                    "One table of the jobs' evaluation scores: a row per merge output (with its method, "
                            + "parameters and, for self_positioning, the learned coefficients), per evaluate job's checkpoint, "
                            + "and for merges run with evaluateInputs per base and input (once per checkpoint URI); a column "
                            + "per evaluation name; each row's average over the columns; `best` on the highest value of each "
                            + "column, ties included. Jobs that did not succeed or have no scores are rows without scores. "
                            + "Choose the jobs with `ids` (in that order) or with `metadata.<key>=<value>` filters (AND-ed, as "
                            + "in the list; oldest first). JSON by default; an HTML page with a bar chart per column for "
                            + "`Accept: text/html` or `format=html`. An id of another tenant's job answers 404, as an unknown one.",
            parameters =
                    @Parameter(
                            name = "metadata.<key>",
                            in = ParameterIn.QUERY,
                            description = "A metadata filter: replace `<key>` by the key",
                            example = "ties-density",
                            schema = @Schema(type = "string", maxLength = 256)))
    @ApiResponse(
            responseCode = "200",
            description = "The comparison",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                        schema = @Schema(implementation = ComparisonView.class),
                        examples =
                                @ExampleObject(
                                        name = "threeMerges",
                                        summary = "Two merges of the same inputs and a " + "failed one",
                                        description =
                                                "The TIES merge was run with evaluateInputs; the "
                                                        + "Self-Positioning merge of the same base and inputs adds no rows for them.",
                                        value = ComparisonExamples.COMPARISON)),
                @Content(mediaType = MediaType.TEXT_HTML_VALUE, schema = @Schema(type = "string"))
            })
    @ApiResponse(
            responseCode = "400",
            description =
                    "An id that is not a UUID, neither `ids` nor a metadata filter "
                            + "(or both), a `metadata.<key>` parameter that names no valid key, or a `format` other than json or html",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples = {
                                @ExampleObject(
                                        name = "badIds",
                                        description = "An id that is not a UUID",
                                        value = ComparisonExamples.BAD_IDS),
                                @ExampleObject(
                                        name = "noSelection",
                                        description = "Neither ids nor a metadata filter",
                                        value = ComparisonExamples.NO_SELECTION),
                                @ExampleObject(
                                        name = "badMetadataFilter",
                                        description = "Not a metadata key",
                                        value = ComparisonExamples.BAD_METADATA_FILTER)
                            }))
    @ApiResponse(
            responseCode = "404",
            description = "One of the ids names no job of the caller's tenant",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "unknownJob",
                                            description = "No job has this id",
                                            value = ComparisonExamples.UNKNOWN_JOB)))
    @ApiResponse(
            responseCode = "422",
            description =
                    "More ids than `limit`, more jobs matching the filters than " + "`limit`, or `limit` out of range",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples = {
                                @ExampleObject(
                                        name = "tooManyIds",
                                        description = "51 ids with the default limit",
                                        value = ComparisonExamples.TOO_MANY_IDS),
                                @ExampleObject(
                                        name = "tooManyMatches",
                                        description = "More matching jobs than the limit",
                                        value = ComparisonExamples.TOO_MANY_MATCHES),
                                @ExampleObject(
                                        name = "badLimit",
                                        description = "A limit above 200",
                                        value = ComparisonExamples.BAD_LIMIT)
                            }))
    ResponseEntity<?> compare(
            @Parameter(hidden = true) Caller caller,
            @RequestParam(required = false)
                    @Parameter(
                            description = "Comma-separated job ids",
                            example = "7f2c1a3b-5d9e-4c1a-8f3b-2e6d9a0c4b17,0b6f8c52-3f1e-4d0a-9a57-2c4e1f0d7a13")
                    String ids,
            @RequestParam(defaultValue = "" + ComparisonQuery.DEFAULT_LIMIT)
                    @Parameter(description = "The most jobs compared, 1 to " + ComparisonQuery.MAX_LIMIT)
                    int limit,
            @RequestParam(required = false) @Parameter(description = "json or html; overrides Accept") Format format,
            @RequestParam @Parameter(hidden = true) Map<String, String> parameters,
            NativeWebRequest request)
            throws HttpMediaTypeNotAcceptableException {
        ComparisonQuery query = ComparisonQuery.of(ids, parameters, limit);
        List<Job> selected = query.byIds()
                ? jobs.get(caller, query.ids())
                : jobs.withMetadata(caller, query.metadata(), query.limit());
        ComparisonView view = ComparisonTable.of(
                selected.stream().map(j -> JobView.of(j, jobs)).toList());
        if (wantsHtml(format, request)) {
            return ResponseEntity.ok()
                    .contentType(HTML)
                    .header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                    .header("Content-Security-Policy", HtmlPage.CONTENT_SECURITY_POLICY)
                    .body(ComparisonPage.render(view, query.describe()));
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                .body(view);
    }

    /** The first of the accepted types (by quality, then specificity) that is JSON or HTML decides; JSON on a tie. */
    private boolean wantsHtml(Format format, NativeWebRequest request) throws HttpMediaTypeNotAcceptableException {
        if (format != null) {
            return format == Format.html;
        }
        List<MediaType> accepted = new ArrayList<>(negotiation.resolveMediaTypes(request));
        accepted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        for (MediaType type : accepted) {
            if (type.includes(MediaType.APPLICATION_JSON)) {
                return false;
            }
            if (type.includes(MediaType.TEXT_HTML)) {
                return true;
            }
        }
        return false;
    }
}
