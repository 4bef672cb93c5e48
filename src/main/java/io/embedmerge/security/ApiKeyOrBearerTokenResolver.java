package io.embedmerge.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** The token of {@code X-API-Key}, else the standard {@code Authorization: Bearer} token (never a query parameter). */
final class ApiKeyOrBearerTokenResolver implements BearerTokenResolver {

    static final String API_KEY_HEADER = "X-API-Key";

    private final DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();

    @Override
    public String resolve(HttpServletRequest request) {
        String key = request.getHeader(API_KEY_HEADER);
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        return bearer.resolve(request);
    }
}
