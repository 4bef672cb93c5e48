package io.embedmerge.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * The authentication of a request, by JWT or API key alike. The credentials are dropped: nothing downstream needs
 * the token, and it cannot end up in a log or a serialized session.
 */
final class TenantAuthentication extends AbstractAuthenticationToken {

    private final TenantPrincipal principal;

    TenantAuthentication(TenantPrincipal principal) {
        super(principal.scopes().stream()
                .map(Scopes::authority)
                .map(org.springframework.security.core.authority.SimpleGrantedAuthority::new)
                .toList());
        this.principal = principal;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public TenantPrincipal getPrincipal() {
        return principal;
    }
}
