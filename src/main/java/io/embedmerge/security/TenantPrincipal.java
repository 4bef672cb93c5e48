package io.embedmerge.security;

import io.embedmerge.job.Caller;
import java.security.Principal;
import java.util.Set;

/** An authenticated caller: who (owner), for which tenant, with which scopes. Holds no secret. */
public record TenantPrincipal(String owner, String tenant, Set<String> scopes) implements Principal {

    public TenantPrincipal {
        scopes = Set.copyOf(scopes);
    }

    @Override
    public String getName() {
        return owner;
    }

    boolean admin() {
        return scopes.contains(Scopes.ADMIN);
    }

    Caller caller() {
        return new Caller(owner, tenant, admin());
    }
}
