package io.embedmerge.api;

import io.embedmerge.storage.StorageUnavailableException;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Outages of what the service depends on answer 503 with {@code Retry-After}. While PostgreSQL cannot be reached, requests fail after the pool's short connection timeout with a 503 that
 * says so and when to retry, instead of a 500; the pool reconnects by itself once the database is back.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class DependencyUnavailableHandler {

    static final URI DATABASE_UNAVAILABLE = URI.create("/problems/database-unavailable");
    static final URI STORAGE_UNAVAILABLE = URI.create("/problems/storage-unavailable");
    private static final Logger log = LoggerFactory.getLogger(DependencyUnavailableHandler.class);

    @ExceptionHandler({CannotCreateTransactionException.class, DataAccessResourceFailureException.class})
    ResponseEntity<ProblemDetail> unavailable(RuntimeException e) {
        log.warn("database unavailable: {}", e.getMessage());
        ProblemDetail body = ApiExceptionHandler.problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                DATABASE_UNAVAILABLE,
                "Database unavailable",
                "The job store (PostgreSQL) cannot be reached; retry shortly",
                List.of());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(body);
    }

    @ExceptionHandler(StorageUnavailableException.class)
    ResponseEntity<ProblemDetail> storageUnavailable(StorageUnavailableException e) {
        log.warn("object storage unavailable: {}", e.getMessage());
        ProblemDetail body = ApiExceptionHandler.problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                STORAGE_UNAVAILABLE,
                "Object storage unavailable",
                "The object storage holding '" + e.uri() + "' cannot be reached; retry shortly",
                List.of());
        body.setProperty("uri", e.uri());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "10")
                .body(body);
    }
}
