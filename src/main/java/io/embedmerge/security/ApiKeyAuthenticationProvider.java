package io.embedmerge.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates a bearer token (from {@code Authorization: Bearer} or {@code X-API-Key}) that is one of the
 * configured API keys. Tokens shaped like a JWT are left to the JWT provider when one is configured.
 */
final class ApiKeyAuthenticationProvider implements AuthenticationProvider {

    private final ApiKeys keys;
    private final boolean jwtConfigured;

    ApiKeyAuthenticationProvider(ApiKeys keys, boolean jwtConfigured) {
        this.keys = keys;
        this.jwtConfigured = jwtConfigured;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (jwtConfigured && looksLikeJwt(token)) {
            return null;
        }
        return keys.match(token)
                .map(TenantAuthentication::new)
                .orElseThrow(() -> new InvalidBearerTokenException("Invalid API key"));
    }

    private static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
