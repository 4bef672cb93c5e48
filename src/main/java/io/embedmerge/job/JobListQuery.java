package io.embedmerge.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The list queries in SQL, reading the summary columns only. Lists are the API's most frequent heavy read: going
 * through JPA criteria cost a query translation and an entity with its dirty-checking snapshot per row, about half
 * of the request's CPU.
 */
@Component
class JobListQuery {

    private static final String SUMMARY_COLUMNS = "j.id, j.kind, j.status, j.progress_stage, j.progress_fraction,"
            + " j.progress_message, j.created_at, j.started_at, j.finished_at, j.pool, j.tenant, j.error_code";

    private final JdbcClient jdbc;

    JobListQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Which jobs: {@code tenant} null means every tenant's; metadata filters are AND-ed exact matches. */
    record Filter(String tenant, JobStatus status, String kind, Map<String, String> metadata) {}

    /** Up to {@code limit} jobs after the cursor (all when null), newest first. */
    List<JobSummary> newestFirst(Filter filter, PageToken after, int limit) {
        var sql = new StringBuilder("select ").append(SUMMARY_COLUMNS).append(" from jobs j where true");
        var params = new HashMap<String, Object>();
        where(filter, sql, params);
        if (after != null) {
            // a row comparison: the keyset condition the (…, created_at desc, id desc) indexes serve directly
            sql.append(" and (j.created_at, j.id) < (:afterCreated, :afterId)");
            params.put("afterCreated", OffsetDateTime.ofInstant(after.createdAt(), ZoneOffset.UTC));
            params.put("afterId", after.id());
        }
        sql.append(" order by j.created_at desc, j.id desc limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString())
                .params(params)
                .query(JobListQuery::summary)
                .list();
    }

    /** The ids of up to {@code limit} matching jobs, oldest first. */
    List<UUID> oldestFirstIds(Filter filter, int limit) {
        var sql = new StringBuilder("select j.id from jobs j where true");
        var params = new HashMap<String, Object>();
        where(filter, sql, params);
        sql.append(" order by j.created_at, j.id limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(UUID.class).list();
    }

    private static void where(Filter filter, StringBuilder sql, Map<String, Object> params) {
        if (filter.tenant() != null) {
            sql.append(" and j.tenant = :tenant");
            params.put("tenant", filter.tenant());
        }
        if (filter.status() != null) {
            sql.append(" and j.status = :status");
            params.put("status", filter.status().name());
        }
        if (filter.kind() != null) {
            sql.append(" and j.kind = :kind");
            params.put("kind", filter.kind());
        }
        int i = 0;
        for (var label : filter.metadata().entrySet()) {
            sql.append(" and exists (select 1 from job_metadata m where m.job_id = j.id and m.key = :key")
                    .append(i)
                    .append(" and m.value = :value")
                    .append(i)
                    .append(')');
            params.put("key" + i, label.getKey());
            params.put("value" + i, label.getValue());
            i++;
        }
    }

    private static JobSummary summary(ResultSet row, int number) throws SQLException {
        return new JobSummary(
                row.getObject("id", UUID.class),
                row.getString("kind"),
                JobStatus.valueOf(row.getString("status")),
                new JobProgress(
                        row.getString("progress_stage"),
                        row.getObject("progress_fraction", Double.class),
                        row.getString("progress_message")),
                Job.instant(row, "created_at"),
                Job.instant(row, "started_at"),
                Job.instant(row, "finished_at"),
                row.getString("pool"),
                row.getString("tenant"),
                row.getString("error_code"));
    }
}
