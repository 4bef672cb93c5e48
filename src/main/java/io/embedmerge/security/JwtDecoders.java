package io.embedmerge.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/** The JWT decoder of the configured issuer: signature from its JWK set, then expiry, issuer and audience. */
final class JwtDecoders {

    private JwtDecoders() {}

    static JwtDecoder of(SecurityProperties.Jwt jwt) {
        boolean issuer = jwt.issuerUri() != null && !jwt.issuerUri().isBlank();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(issuer ? JwtValidators.createDefaultWithIssuer(jwt.issuerUri()) : JwtValidators.createDefault());
        if (!jwt.audiences().isEmpty()) {
            validators.add(new JwtClaimValidator<Collection<String>>(
                    JwtClaimNames.AUD, aud -> aud != null && aud.stream().anyMatch(jwt.audiences()::contains)));
        }
        OAuth2TokenValidator<Jwt> validator = new DelegatingOAuth2TokenValidator<>(validators);
        // Lazy: the issuer need not be up when the service starts; its keys are fetched on the first token.
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = jwt.jwkSetUri() != null
                            && !jwt.jwkSetUri().isBlank()
                    ? NimbusJwtDecoder.withJwkSetUri(jwt.jwkSetUri()).build()
                    : NimbusJwtDecoder.withIssuerLocation(jwt.issuerUri()).build();
            decoder.setJwtValidator(validator);
            return decoder;
        });
    }
}
