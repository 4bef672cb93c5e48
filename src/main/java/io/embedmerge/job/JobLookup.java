package io.embedmerge.job;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Looks jobs up for reading: one statement, no transaction, no persistence context. GET of a job is the API's most
 * frequent request, and through JPA its read-only transaction and entity load cost a quarter of its CPU. State
 * changes still load the entity through JPA, under a lock.
 */
@Component
class JobLookup {

    private static final String BY_ID = "select " + Job.COLUMNS + " from jobs where id = :id";
    private static final String BY_IDS = "select " + Job.COLUMNS + " from jobs where id = any(:ids)";

    private final JdbcClient jdbc;

    JobLookup(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Job> byId(UUID id) {
        return jdbc.sql(BY_ID)
                .param("id", id)
                .query((row, n) -> Job.fromRow(row))
                .optional();
    }

    /** The jobs found, in no particular order. */
    List<Job> byIds(Collection<UUID> ids) {
        return jdbc.sql(BY_IDS)
                .param("ids", ids.toArray(UUID[]::new))
                .query((row, n) -> Job.fromRow(row))
                .list();
    }
}
