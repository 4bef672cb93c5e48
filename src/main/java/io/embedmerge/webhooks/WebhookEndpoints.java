package io.embedmerge.webhooks;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The webhook_endpoints table. */
@Repository
class WebhookEndpoints {

    private static final RowMapper<WebhookEndpoint> ROW = (rs, n) -> new WebhookEndpoint(
            rs.getObject("id", UUID.class),
            rs.getString("tenant"),
            rs.getString("url"),
            Arrays.asList(rs.getString("events").split(",")),
            rs.getString("secret"),
            rs.getString("description"),
            rs.getTimestamp("created_at").toInstant(),
            instant(rs.getTimestamp("last_failure_at")),
            rs.getString("last_failure"),
            rs.getLong("failed_deliveries"));

    private final JdbcClient jdbc;

    WebhookEndpoints(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(WebhookEndpoint e) {
        jdbc.sql("""
                        insert into webhook_endpoints (id, tenant, url, events, secret, description, created_at)
                        values (?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        e.id(),
                        e.tenant(),
                        e.url(),
                        String.join(",", e.events()),
                        e.secret(),
                        e.description(),
                        Timestamp.from(e.createdAt()))
                .update();
    }

    List<WebhookEndpoint> ofTenant(String tenant) {
        return jdbc.sql("select * from webhook_endpoints where tenant = ? order by created_at, id")
                .param(tenant)
                .query(ROW)
                .list();
    }

    long countOfTenant(String tenant) {
        return jdbc.sql("select count(*) from webhook_endpoints where tenant = ?")
                .param(tenant)
                .query(Long.class)
                .single();
    }

    Optional<WebhookEndpoint> find(String tenant, UUID id) {
        return jdbc.sql("select * from webhook_endpoints where tenant = ? and id = ?")
                .params(tenant, id)
                .query(ROW)
                .optional();
    }

    boolean delete(String tenant, UUID id) {
        return jdbc.sql("delete from webhook_endpoints where tenant = ? and id = ?")
                        .params(tenant, id)
                        .update()
                == 1;
    }

    /** Pending deliveries keep the secret they were created with; only new events use the new one. */
    boolean rotate(String tenant, UUID id, String secret) {
        return jdbc.sql("update webhook_endpoints set secret = ? where tenant = ? and id = ?")
                        .params(secret, tenant, id)
                        .update()
                == 1;
    }

    void markFailure(UUID id, Instant at, String failure) {
        jdbc.sql("""
                        update webhook_endpoints set last_failure_at = ?, last_failure = ?,
                               failed_deliveries = failed_deliveries + 1
                        where id = ?""").params(Timestamp.from(at), failure, id).update();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
