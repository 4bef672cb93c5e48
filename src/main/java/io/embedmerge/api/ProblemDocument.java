package io.embedmerge.api;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The documented shape of every error response (RFC 9457 problem details plus field errors). */
@Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
public record ProblemDocument(
        @Schema(example = "/problems/invalid-request") String type,
        @Schema(example = "Invalid request") String title,
        @Schema(example = "422") int status,

        @Schema(example = "models[1].uri: checkpoint 'file:./data/models/nli' does not exist")
        String detail,

        @Schema(example = "/v1/jobs") String instance,

        @Schema(description = "One entry per invalid value, when the problem is about the request")
        List<FieldError> errors,

        @Schema(
                description = "429 only: the quota that was reached, `active-jobs` or `bytes-per-day`",
                example = "active-jobs")
        String limit) {

    record FieldError(
            @Schema(example = "models[1].uri") String field,

            @Schema(example = "checkpoint 'file:./data/models/nli' does not exist")
            String message) {}
}
