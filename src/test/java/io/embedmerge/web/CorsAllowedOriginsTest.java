package io.embedmerge.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** With allowed origins configured, those origins get CORS answers (preflights too) and others still get none. */
@TestPropertySource(properties = "merge.cors.allowed-origins=https://ui.example")
class CorsAllowedOriginsTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private HttpRequest.Builder preflight(String origin) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type");
    }

    private HttpRequest.Builder list(String origin) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs?pageSize=1"))
                .header("Origin", origin)
                .GET();
    }

    @Test
    void anAllowedOriginIsAnsweredAndOthersAreNot() throws Exception {
        HttpResponse<String> allowed = send(preflight("https://ui.example"));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://ui.example");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods").orElse(""))
                .contains("POST");
        HttpResponse<String> read = send(list("https://ui.example"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).contains("https://ui.example");

        HttpResponse<String> foreign = send(preflight("https://evil.example"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(send(list("https://evil.example")).headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
    }
}
