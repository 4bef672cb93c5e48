package io.embedmerge.api;

import io.embedmerge.support.ApiClient;
import io.embedmerge.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Tests that check requests and answers against the OpenAPI description the running service serves. */
abstract class ServedDocumentTest extends IntegrationTest {

    @LocalServerPort
    int port;

    ApiClient api;
    JsonNode document;
    SchemaCheck schemas;

    @BeforeEach
    void loadServedDocument() {
        api = new ApiClient(port);
        document = api.get("/v3/api-docs").body();
        schemas = new SchemaCheck(document);
    }
}
