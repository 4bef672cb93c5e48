package io.embedmerge.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps other sites' pages from changing state. Browsers send form posts (form, multipart, text/plain bodies)
 * cross-origin without asking, so a state-changing request may carry JSON or no body only (else 415; a mergekit
 * config as application/yaml on POST /v1/jobs is the one exception); and one
 * from a foreign {@code Origin} that {@code merge.cors.allowed-origins} does not list is refused (403).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class CrossSiteRequestFilter extends OncePerRequestFilter {

    static final URI UNSUPPORTED_MEDIA_TYPE = URI.create("/problems/unsupported-media-type");
    static final URI FOREIGN_ORIGIN = URI.create("/problems/foreign-origin");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final CorsProperties cors;

    CrossSiteRequestFilter(CorsProperties cors) {
        this.cors = cors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SAFE_METHODS.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        String contentType = request.getContentType();
        if (contentType != null && !isJson(contentType) && !isJobConfig(request, contentType)) {
            ProblemResponses.write(
                    request,
                    response,
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    UNSUPPORTED_MEDIA_TYPE,
                    "Unsupported media type",
                    "a " + request.getMethod() + " request takes a JSON body "
                            + "(Content-Type: application/json) or none, not " + contentType);
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && CorsUtils.isCorsRequest(request) && !cors.allows(origin)) {
            ProblemResponses.write(
                    request,
                    response,
                    HttpStatus.FORBIDDEN,
                    FOREIGN_ORIGIN,
                    "Foreign origin",
                    "requests from origin " + origin + " may not change state; see merge.cors.allowed-origins");
            return;
        }
        chain.doFilter(request, response);
    }

    /** A mergekit config submitted as a job: not a type a cross-site form can send, so the preflight guards it. */
    private static boolean isJobConfig(HttpServletRequest request, String contentType) {
        try {
            return "POST".equals(request.getMethod())
                    && "/v1/jobs".equals(request.getRequestURI())
                    && MediaType.parseMediaType("application/yaml")
                            .equalsTypeAndSubtype(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static boolean isJson(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type)
                    || "application".equals(type.getType()) && type.getSubtype().endsWith("+json");
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
