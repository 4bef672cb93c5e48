package io.embedmerge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the service's API, as an orchestrator would use it. */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Map<String, String> headers;

    public ApiClient(int port) {
        this("http://localhost:" + port, Map.of());
    }

    private ApiClient(String base, Map<String, String> headers) {
        this.base = base;
        this.headers = headers;
    }

    /** A client that sends the header with every request (e.g. {@code Authorization}). */
    public ApiClient withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiClient(base, Map.copyOf(more));
    }

    public ApiClient withBearer(String token) {
        return withHeader("Authorization", "Bearer " + token);
    }

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Response get(String path) {
        return send(builder(path).GET().build());
    }

    public Response post(String path, String json) {
        return post(path, json, null);
    }

    public Response post(String path, String json, String idempotencyKey) {
        HttpRequest.Builder b = builder(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return send(b.build());
    }

    /** POST with another body type (a mergekit config as application/yaml). */
    public Response post(String path, String body, String contentType, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return send(b.build());
    }

    public HttpResponse<String> getText(String path, String accept) {
        try {
            return http.send(
                    builder(path)
                            .header("Accept", accept)
                            .timeout(Duration.ofSeconds(60))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        headers.forEach(b::header);
        return b;
    }

    private Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? null : JSON.readTree(response.body());
            return new Response(response.statusCode(), body, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls GET /v1/jobs/{id} until the predicate holds; fails after the timeout. */
    public JsonNode awaitJob(String id, Predicate<JsonNode> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            job = get("/v1/jobs/" + id).body();
            if (condition.test(job)) {
                return job;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("job " + id + " did not reach the expected state in " + timeout + "; last: " + job);
    }

    /**
     * Waits for the job to finish. The bound only keeps a hung job from hanging the build: training jobs on a loaded
     * two-core CI machine have taken over a minute.
     */
    public JsonNode awaitTerminal(String id) {
        return awaitJob(
                id, j -> j.path("status").asString().matches("SUCCEEDED|FAILED|CANCELLED"), Duration.ofSeconds(240));
    }

    /** Runs an import job for a built-in model (e.g. {@code builtin:all-minilm-l6-v2}); returns its output URI. */
    public String importBuiltin(String source) {
        JsonNode imported = awaitTerminal(post("/v1/jobs", "{\"kind\": \"import\", \"source\": \"" + source + "\"}")
                .body()
                .path("id")
                .asString());
        if (!imported.path("status").asString().equals("SUCCEEDED")) {
            throw new AssertionError("import of " + source + " did not succeed: " + imported);
        }
        return imported.path("result").path("output").path("uri").asString();
    }
}
