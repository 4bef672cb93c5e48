package io.embedmerge.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the service ({@code merge.security}): JWTs of an OAuth2 issuer, static API keys, or nobody checked
 * at all ({@code mode: none}, or nothing configured on a loopback address).
 */
@ConfigurationProperties("merge.security")
public record SecurityProperties(
        @DefaultValue("auto") Mode mode,
        @DefaultValue Jwt jwt,
        @DefaultValue List<ApiKey> apiKeys) {

    public enum Mode {
        /** Authentication when an issuer or API keys are configured; else open, but only on a loopback address. */
        AUTO,
        /** No authentication, on any address: every caller is the local administrator. */
        NONE
    }

    /**
     * @param issuerUri   the issuer ({@code iss}); its JWK set is discovered, and tokens must name it
     * @param jwkSetUri   the JWK set, when the issuer has no discovery document (then {@code iss} is checked only if
     *                    issuerUri is set too)
     * @param audiences   when not empty, a token's {@code aud} must contain one of them
     * @param ownerClaim  the claim naming the caller, recorded as the job's owner
     * @param tenantClaim the claim naming the tenant (a string, or a list whose first entry counts, e.g. groups)
     */
    public record Jwt(
            String issuerUri,
            String jwkSetUri,
            @DefaultValue List<String> audiences,
            @DefaultValue("sub") String ownerClaim,
            @DefaultValue("tenant") String tenantClaim) {

        boolean configured() {
            return present(issuerUri) || present(jwkSetUri);
        }
    }

    /**
     * A static key; only its SHA-256 (lower-case hex) is configured.
     *
     * @param scopes of {@code jobs:read}, {@code jobs:write}, {@code admin}
     */
    public record ApiKey(
            String name,
            String sha256,
            String owner,
            String tenant,
            @DefaultValue List<String> scopes) {

        /** Never prints the hash. */
        @Override
        public String toString() {
            return "ApiKey[name=" + name + ", owner=" + owner + ", tenant=" + tenant + ", scopes=" + scopes + "]";
        }
    }

    /** True when callers must authenticate. */
    boolean authenticationConfigured() {
        return mode != Mode.NONE && (jwt.configured() || !apiKeys.isEmpty());
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
