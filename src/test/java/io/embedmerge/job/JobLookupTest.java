package io.embedmerge.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.IntegrationTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Plain-JDBC lookups read every column the JPA entity maps, to the same values. */
class JobLookupTest extends IntegrationTest {

    @Autowired
    JobLookup lookup;

    @Autowired
    JobRepository repository;

    @Autowired
    JdbcClient jdbc;

    /** Every column set, none to its type's default, so that a column the lookup skips shows as a difference. */
    private UUID insertWithEveryColumn(String tenant) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into jobs (id, kind, status, request, request_hash, idempotency_key, progress_stage,
                                          progress_fraction, progress_message, created_at, started_at, finished_at,
                                          result, error_code, error_message, attempt, cancel_requested, worker, pool,
                                          owner, tenant, output_bytes, notify_secret, version)
                        values (:id, 'merge', 'FAILED', '{"kind": "merge"}', 'abc', :key, 'failed', 0.375,
                                'tensor 2/9', timestamptz '2026-11-30 08:00:00.123456+00',
                                timestamptz '2026-11-30 08:00:01.5+00', timestamptz '2026-11-30 08:00:09.000001+00',
                                '{"output": {}}', 'DISK_FULL', 'no space left', 2, true, 'host-1', 'gpu', 'ci-bot',
                                :tenant, 12345, 'whsec_x', 7)""")
                .param("id", id)
                .param("key", "key-" + id)
                .param("tenant", tenant)
                .update();
        return id;
    }

    @Test
    void aLookupEqualsTheEntityJpaLoads() {
        UUID id = insertWithEveryColumn("lookup-" + UUID.randomUUID());
        Job viaJpa = repository.findById(id).orElseThrow();
        Job viaJdbc = lookup.byId(id).orElseThrow();
        assertThat(viaJdbc).usingRecursiveComparison().isEqualTo(viaJpa);
        assertThat(viaJdbc.getProgressFraction()).isEqualTo(0.375);
        assertThat(viaJdbc.isCancelRequested()).isTrue();
    }

    @Test
    void groupLookupsFindEachIdOnceAndUnknownIdsNotAtAll() {
        String tenant = "lookup-" + UUID.randomUUID();
        UUID a = insertWithEveryColumn(tenant);
        UUID b = insertWithEveryColumn(tenant);
        List<Job> found = lookup.byIds(List.of(a, UUID.randomUUID(), b, a));
        assertThat(found).extracting(Job::getId).containsExactlyInAnyOrder(a, b);
        assertThat(lookup.byId(UUID.randomUUID())).isEmpty();
    }
}
