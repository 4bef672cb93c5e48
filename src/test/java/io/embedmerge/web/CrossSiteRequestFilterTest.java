package io.embedmerge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The cross-site rules without a server, including configured origins (the shared test context has none). */
class CrossSiteRequestFilterTest {

    private static int status(List<String> allowed, String method, String contentType, String origin) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/v1/jobs/x/cancel");
        request.setServerName("api.example");
        request.setServerPort(8080);
        if (contentType != null) {
            request.setContentType(contentType);
        }
        if (origin != null) {
            request.addHeader("Origin", origin);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        new CrossSiteRequestFilter(new CorsProperties(allowed)).doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }

    @ParameterizedTest
    @CsvSource(
            nullValues = "-",
            value = {
                "POST, -, -, 200",
                "POST, application/json, http://api.example:8080, 200",
                "POST, application/problem+json, -, 200",
                "POST, application/x-www-form-urlencoded, -, 415",
                "DELETE, multipart/form-data; boundary=b, -, 415",
                "PUT, text/plain, http://api.example:8080, 415",
                "POST, not a type, -, 415",
                "POST, -, http://evil.example, 403",
                "POST, -, https://api.example:8080, 403",
                "POST, -, null, 403",
                "GET, text/plain, http://evil.example, 200",
                "OPTIONS, -, http://evil.example, 200"
            })
    void withoutConfiguredOrigins(String method, String contentType, String origin, int expected) throws Exception {
        assertThat(status(List.of(), method, contentType, origin)).isEqualTo(expected);
    }

    @Test
    void configuredOriginsMayChangeStateWithJsonButNotWithForms() throws Exception {
        List<String> allowed = List.of("https://console.example");
        assertThat(status(allowed, "POST", "application/json", "https://console.example"))
                .isEqualTo(200);
        assertThat(status(allowed, "POST", "application/x-www-form-urlencoded", "https://console.example"))
                .isEqualTo(415);
        assertThat(status(allowed, "POST", null, "https://other.example")).isEqualTo(403);
        assertThat(status(List.of("*"), "POST", null, "https://other.example")).isEqualTo(200);
    }
}
