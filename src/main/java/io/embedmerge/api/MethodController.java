package io.embedmerge.api;

import io.embedmerge.merge.MethodDescriptor;
import io.embedmerge.merge.MethodRegistry;
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
@Tag(name = "methods", description = "Merge methods and their parameters")
class MethodController {

    private final MethodRegistry methods;

    MethodController(MethodRegistry methods) {
        this.methods = methods;
    }

    @GetMapping(path = "/v1/methods", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listMethods",
            summary = "List merge methods",
            description = "Every merge method with its parameters, types, defaults and a one-line description.")
    @ApiResponse(responseCode = "200", description = "Every merge method")
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
                                            value = ProblemExamples.NOT_ACCEPTABLE_METHODS)))
    List<MethodDescriptor> list() {
        return methods.descriptors();
    }
}
