package io.embedmerge.security;

import io.embedmerge.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 403 for an authenticated caller without the scope: an {@code insufficient_scope} challenge, a problem body. */
final class ProblemAccessDeniedHandler implements AccessDeniedHandler {

    static final URI TYPE = URI.create("/problems/forbidden");

    private final AuditLog audit;

    ProblemAccessDeniedHandler(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        TenantPrincipal who = auth != null && auth.getPrincipal() instanceof TenantPrincipal p ? p : null;
        String detail = "This operation needs the scope " + requiredScope(request)
                + (who == null
                        ? ""
                        : "; the caller has " + who.scopes().stream().sorted().toList());
        // RFC 6750 section 3.1; Spring's handler says this only for its own token types
        response.setHeader(
                "WWW-Authenticate",
                "Bearer error=\"insufficient_scope\", error_description=\""
                        + "The request requires higher privileges than provided by the access token.\", scope=\""
                        + requiredScope(request) + "\"");
        audit.denied(who, request.getMethod(), request.getRequestURI(), 403, detail);
        ProblemResponses.write(request, response, HttpStatus.FORBIDDEN, TYPE, "Forbidden", detail);
    }

    private static String requiredScope(HttpServletRequest request) {
        if (request.getRequestURI().startsWith("/actuator")) {
            return Scopes.ADMIN;
        }
        return "GET".equals(request.getMethod()) ? Scopes.JOBS_READ : Scopes.JOBS_WRITE;
    }
}
