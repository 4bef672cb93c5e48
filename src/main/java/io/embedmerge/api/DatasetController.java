package io.embedmerge.api;

import io.embedmerge.dataset.BuiltinDataset;
import io.embedmerge.dataset.BuiltinDatasets;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "datasets", description = "Built-in evaluation, probe and training data")
class DatasetController {

    @GetMapping(path = "/v1/datasets", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listDatasets",
            summary = "List built-in datasets",
            description = "Datasets shipped with the service, usable as builtin:<name> wherever a data URI is "
                    + "accepted (evaluation data, probes, train data), with rows, format, language and licence.")
    @ApiResponse(responseCode = "200", description = "Every built-in dataset")
    @ApiResponse(
            responseCode = "406",
            description = "The Accept header excludes application/json",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                            schema = @Schema(implementation = ProblemDocument.class),
                            examples =
                                    @ExampleObject(
                                            name = "notAcceptable",
                                            description = "Accept: application/xml",
                                            value = ProblemExamples.NOT_ACCEPTABLE_DATASETS)))
    List<BuiltinDataset> list() {
        return BuiltinDatasets.ALL;
    }
}
