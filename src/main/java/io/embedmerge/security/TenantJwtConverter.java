package io.embedmerge.security;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * A validated JWT to a {@link TenantAuthentication}: owner and tenant from the configured claims, scopes from
 * {@code scope}/{@code scp} (Spring's standard reading). A token without owner or tenant is refused.
 */
final class TenantJwtConverter implements Converter<Jwt, TenantAuthentication> {

    private final JwtGrantedAuthoritiesConverter scopes = new JwtGrantedAuthoritiesConverter();
    private final String ownerClaim;
    private final String tenantClaim;

    TenantJwtConverter(String ownerClaim, String tenantClaim) {
        this.ownerClaim = ownerClaim;
        this.tenantClaim = tenantClaim;
    }

    @Override
    public TenantAuthentication convert(Jwt jwt) {
        String owner = jwt.getClaimAsString(ownerClaim);
        if (owner == null || owner.isBlank()) {
            throw new InvalidBearerTokenException("The token has no '" + ownerClaim + "' claim");
        }
        String tenant = tenant(jwt.getClaims().get(tenantClaim));
        if (tenant == null) {
            throw new InvalidBearerTokenException("The token has no '" + tenantClaim + "' claim");
        }
        Set<String> granted = scopes.convert(jwt).stream()
                .map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith(Scopes.AUTHORITY_PREFIX))
                .map(a -> a.substring(Scopes.AUTHORITY_PREFIX.length()))
                .collect(Collectors.toSet());
        return new TenantAuthentication(new TenantPrincipal(owner, tenant, granted));
    }

    private static String tenant(Object claim) {
        Object value = claim instanceof Collection<?> list && !list.isEmpty()
                ? List.copyOf(list).getFirst()
                : claim;
        return value instanceof String s && !s.isBlank() ? s : null;
    }
}
