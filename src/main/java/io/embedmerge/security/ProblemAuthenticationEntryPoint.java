package io.embedmerge.security;

import io.embedmerge.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

/** 401: Spring's bearer challenge ({@code WWW-Authenticate}) with a problem body, and an audit record. */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    static final URI TYPE = URI.create("/problems/unauthorized");

    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final AuditLog audit;

    ProblemAuthenticationEntryPoint(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        bearer.commence(request, response, e);
        String detail = e instanceof org.springframework.security.authentication.InsufficientAuthenticationException
                ? "Authentication required: send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'"
                : e.getMessage();
        audit.denied(null, request.getMethod(), request.getRequestURI(), 401, detail);
        ProblemResponses.write(request, response, HttpStatus.UNAUTHORIZED, TYPE, "Unauthorized", detail);
    }
}
