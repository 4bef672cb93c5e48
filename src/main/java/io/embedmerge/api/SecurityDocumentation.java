package io.embedmerge.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Declares how callers authenticate (a bearer JWT or an API key) and the scope each operation needs, with the 401,
 * 403 and 429 answers of the security layer, so that Swagger UI's "Authorize" works and clients see the rules.
 */
@Component
class SecurityDocumentation implements OpenApiCustomizer {

    static final String BEARER = "bearer";
    static final String API_KEY = "apiKey";
    private static final String PROBLEM = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void customise(OpenAPI openApi) {
        openApi.getComponents()
                .addSecuritySchemes(
                        BEARER,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .bearerFormat("JWT")
                                .description("An access token of the configured issuer (scopes "
                                        + "jobs:read, jobs:write, admin), or an API key"))
                .addSecuritySchemes(
                        API_KEY,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER)
                                .name("X-API-Key")
                                .description("A static API key"));
        openApi.getPaths()
                .forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                    if (path.startsWith("/v1/")) {
                        secure(operation, method == PathItem.HttpMethod.GET ? "jobs:read" : "jobs:write");
                    }
                }));
    }

    private static void secure(Operation operation, String scope) {
        operation.setSecurity(List.of(
                new SecurityRequirement().addList(BEARER, scope), new SecurityRequirement().addList(API_KEY, scope)));
        operation
                .getResponses()
                .addApiResponse(
                        "401",
                        problem(
                                "No credentials, or a token or key that is not "
                                        + "valid (expired, another issuer or audience, unknown key); `WWW-Authenticate` says why",
                                "unauthorized",
                                "No or an invalid token",
                                ProblemExamples.UNAUTHORIZED));
        ApiResponse forbidden = operation.getResponses().get("403");
        MediaType insufficientScope = example(
                new MediaType(),
                "insufficientScope",
                "The token lacks the scope (" + scope + ", or admin)",
                ProblemExamples.INSUFFICIENT_SCOPE);
        if (forbidden == null) {
            operation
                    .getResponses()
                    .addApiResponse(
                            "403",
                            new ApiResponse()
                                    .description("The token or key lacks the scope " + scope)
                                    .content(new Content().addMediaType(PROBLEM, insufficientScope)));
        } else {
            forbidden.setDescription(forbidden.getDescription() + ", or a token or key without the scope " + scope);
            forbidden.getContent().get(PROBLEM).getExamples().putAll(insufficientScope.getExamples());
        }
        if ("submitJob".equals(operation.getOperationId())) {
            ApiResponse tooMany = problem(
                    "The tenant is at a quota (queued and running jobs, or bytes written "
                            + "today); `limit` names it, `Retry-After` says when to retry",
                    "quotaExceeded",
                    "At the active-jobs quota",
                    ProblemExamples.QUOTA_EXCEEDED);
            tooMany.addHeaderObject(
                    "Retry-After",
                    new Header().description("Seconds to wait").schema(new Schema<Integer>().type("integer")));
            operation.getResponses().addApiResponse("429", tooMany);
        }
    }

    private static ApiResponse problem(String description, String name, String summary, String value) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType(PROBLEM, example(new MediaType(), name, summary, value)));
    }

    private static MediaType example(MediaType media, String name, String description, String value) {
        media.schema(new Schema<>().$ref("#/components/schemas/Problem"));
        media.addExamples(
                name,
                new io.swagger.v3.oas.models.examples.Example()
                        .description(description)
                        .value(JSON.readValue(value, Map.class)));
        return media;
    }
}
