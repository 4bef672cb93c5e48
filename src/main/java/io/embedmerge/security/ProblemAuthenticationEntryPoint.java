package io.embedmerge.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

import java.io.IOException;

/** 401: Spring's bearer challenge ({@code WWW-Authenticate}) with a problem body, and an audit record. */
final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

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
        Problems.write(request, response, HttpStatus.UNAUTHORIZED, Problems.UNAUTHORIZED, "Unauthorized", detail);
    }
}
