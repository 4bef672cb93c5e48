package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The committed openapi/openapi.yaml must be what the running service generates. To refresh it after an API
 * change: {@code ./mvnw test -Dtest=OpenApiDocumentTest -Dopenapi.write=true}.
 */
class OpenApiDocumentTest extends IntegrationTest {

    private static final Path COMMITTED = Path.of("openapi", "openapi.yaml");

    @LocalServerPort
    int port;

    @Test
    void committedDocumentMatchesTheGeneratedOne() throws IOException {
        ApiClient api = new ApiClient(port);
        String generated =
                api.getText("/v3/api-docs.yaml", "application/vnd.oai.openapi").body();
        assertThat(generated).contains("/v1/jobs", "/v1/methods", "MergeJobRequest");
        if (Boolean.getBoolean("openapi.write")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, generated);
        }
        assertThat(COMMITTED)
                .as("openapi/openapi.yaml is missing; run with -Dopenapi.write=true")
                .exists();
        assertThat(Files.readString(COMMITTED))
                .as("openapi/openapi.yaml differs from the running service; refresh it with -Dopenapi.write=true")
                .isEqualTo(generated);
    }

    @Test
    void swaggerUiIsServed() {
        var page = new ApiClient(port).getText("/swagger-ui/index.html", "text/html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Swagger UI");
        assertThat(new ApiClient(port).getText("/swagger-ui.html", "text/html").statusCode())
                .isIn(200, 302);
    }
}
