package io.embedmerge.api;

import io.embedmerge.job.Caller;
import io.embedmerge.job.JobConflictException;
import io.embedmerge.job.JobRequest;
import io.embedmerge.job.JobService;
import io.embedmerge.job.MergeJobRequest;
import io.embedmerge.merge.MethodRegistry;
import io.embedmerge.mergekit.MergekitConfigWriter;
import io.embedmerge.mergekit.MergekitYamlConverter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "jobs")
class MergekitConfigController {

    private static final String PROBLEM = "application/problem+json";

    private final JobService jobs;
    private final MethodRegistry methods;
    private final MergekitConfigWriter writer;

    MergekitConfigController(JobService jobs, MethodRegistry methods, MergekitConfigWriter writer) {
        this.jobs = jobs;
        this.methods = methods;
        this.writer = writer;
    }

    @GetMapping(path = "/v1/jobs/{id}/mergekit.yaml", produces = MergekitYamlConverter.YAML)
    @Operation(
            operationId = "getJobMergekitConfig",
            summary = "A merge job as a mergekit config",
            description = "The mergekit merge config equivalent to the job (merge_method, base_model, models with "
                    + "their parameters, the method's parameters with defaults filled in, dtype, tokenizer_source). "
                    + "Submitting it to POST /v1/jobs as application/yaml creates the same merge (mergekit's slerp is "
                    + "slerp_pair here, merged slices are written as mergekit's slices). Seed, output, "
                    + "evaluations and probes have no mergekit form and are left out.")
    @ApiResponse(
            responseCode = "200",
            description = "The config",
            content =
                    @Content(
                            mediaType = MergekitYamlConverter.YAML,
                            schema = @Schema(type = "string"),
                            examples =
                                    @ExampleObject(
                                            name = "ties",
                                            description = "A TIES job",
                                            value = MERGEKIT_EXAMPLE)))
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
                                            value = ProblemExamples.MERGEKIT_BAD_ID)))
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
                                            value = ProblemExamples.MERGEKIT_NOT_FOUND)))
    @ApiResponse(
            responseCode = "409",
            description = "Not a merge job, or a merge that mergekit cannot express (the "
                    + "paper's slerp, the data-aware methods, karcher with per-model weights)",
            content =
                    @Content(
                            mediaType = PROBLEM,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "notAMerge",
                                            description = "A train job",
                                            value = ProblemExamples.MERGEKIT_NOT_A_MERGE)))
    String config(@Parameter(hidden = true) Caller caller, @PathVariable UUID id) {
        JobRequest request = jobs.request(jobs.get(caller, id));
        if (!(request instanceof MergeJobRequest merge)) {
            throw new JobConflictException(
                    "job " + id + " is a " + request.kind() + " job; only merge jobs have a mergekit config");
        }
        var method = methods.require(merge.method().name());
        return writer.write(
                merge, methods.validate(method, merge.method().params()).values());
    }

    static final String MERGEKIT_EXAMPLE = """
            merge_method: ties
            base_model: file:./data/models/base
            models:
            - model: file:./data/models/sts
              parameters:
                weight: 1.0
                density: [1.0, 0.5]
            - model: file:./data/models/nli
              parameters:
                weight: 0.5
            parameters:
              density: 0.2
              lambda: 1.0
              signMethod: sum
              normalize: true
              rescale: none
            dtype: float16
            tokenizer_source: base
            """;
}
