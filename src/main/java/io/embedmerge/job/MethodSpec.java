package io.embedmerge.job;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

/** A merge method and its parameters (see GET /v1/methods). */
public record MethodSpec(
        @Schema(description = "Method name.", example = "linear", requiredMode = Schema.RequiredMode.REQUIRED)
        String name,

        @Schema(
                description = "Method parameters; omitted ones take their defaults.",
                example = "{\"lambda\": 1.0, \"normalize\": true}")
        Map<String, Object> params) {}
