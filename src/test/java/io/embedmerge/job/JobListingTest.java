package io.embedmerge.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.support.IntegrationTest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The list read straight from the jobs table: keyset pages, filters, tenants and the summary columns. */
class JobListingTest extends IntegrationTest {

    @Autowired
    JobService service;

    @Autowired
    JdbcClient jdbc;

    private final String tenant = "list-" + UUID.randomUUID();
    private final Caller caller = new Caller("someone", tenant, false);

    private UUID insert(Instant createdAt, String kind, JobStatus status) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into jobs (id, kind, status, request, request_hash, created_at, tenant, owner, pool,
                                          progress_stage, progress_fraction, progress_message, started_at,
                                          finished_at, error_code)
                        values (:id, :kind, :status, '{}', 'h', :created, :tenant, 'someone', 'cpu',
                                'merging', :fraction, 'tensor 3/7', :started, :finished, :error)""")
                .param("id", id)
                .param("kind", kind)
                .param("status", status.name())
                .param("created", OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC))
                .param("tenant", tenant)
                .param("fraction", status == JobStatus.QUEUED ? null : 0.25)
                .param("started", OffsetDateTime.ofInstant(createdAt.plusMillis(5), ZoneOffset.UTC))
                .param(
                        "finished",
                        status == JobStatus.FAILED
                                ? OffsetDateTime.ofInstant(createdAt.plusSeconds(1), ZoneOffset.UTC)
                                : null)
                .param("error", status == JobStatus.FAILED ? "INVALID_CHECKPOINT" : null)
                .update();
        return id;
    }

    private List<UUID> allPages(Caller who, JobStatus status, String kind, int pageSize) {
        List<UUID> seen = new ArrayList<>();
        String token = null;
        do {
            JobPage page = service.list(who, status, kind, Map.of(), token, pageSize);
            assertThat(page.jobs()).hasSizeLessThanOrEqualTo(pageSize);
            page.jobs().forEach(j -> seen.add(j.id()));
            token = page.nextPageToken();
        } while (token != null);
        return seen;
    }

    @Test
    void pagesWalkJobsCreatedInTheSameMicrosecondOnceEach() {
        Instant same = Instant.parse("2026-11-30T10:00:00.123456Z");
        List<UUID> tied = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            tied.add(insert(same, "merge", JobStatus.CANCELLED));
        }
        UUID newer = insert(same.plusNanos(1000), "merge", JobStatus.CANCELLED);
        UUID older = insert(same.minusNanos(1000), "merge", JobStatus.CANCELLED);
        // PostgreSQL orders uuids by their bytes, unsigned: as their lower-case text sorts, not as UUID.compareTo
        List<UUID> expected = new ArrayList<>();
        expected.add(newer);
        expected.addAll(tied.stream()
                .sorted(Comparator.comparing(UUID::toString).reversed())
                .toList());
        expected.add(older);
        for (int pageSize : new int[] {1, 2, 3, 9, 200}) {
            assertThat(allPages(caller, null, null, pageSize))
                    .as("page size %d", pageSize)
                    .isEqualTo(expected);
        }
    }

    @Test
    void summariesCarryTheStoredColumnsAndFiltersNarrowThem() {
        Instant at = Instant.parse("2026-11-30T11:00:00.654321Z");
        UUID failed = insert(at, "merge", JobStatus.FAILED);
        UUID queued = insert(at.plusSeconds(1), "analyze", JobStatus.QUEUED);

        JobSummary first =
                service.list(caller, JobStatus.FAILED, null, null, 10).jobs().getFirst();
        assertThat(first)
                .isEqualTo(new JobSummary(
                        failed,
                        "merge",
                        JobStatus.FAILED,
                        new JobProgress("merging", 0.25, "tensor 3/7"),
                        at,
                        at.plusMillis(5),
                        at.plusSeconds(1),
                        "cpu",
                        tenant,
                        "INVALID_CHECKPOINT"));
        JobSummary other =
                service.list(caller, null, "analyze", null, 10).jobs().getFirst();
        assertThat(other.id()).isEqualTo(queued);
        assertThat(other.progress().fraction()).isNull();
        assertThat(other.finishedAt()).isNull();
        assertThat(allPages(caller, JobStatus.QUEUED, "merge", 5)).isEmpty();
        assertThat(allPages(caller, null, null, 5)).containsExactly(queued, failed);
    }

    @Test
    void otherTenantsSeeNothingAndAdminsSeeEveryTenant() {
        UUID mine = insert(Instant.parse("2026-11-30T12:00:00Z"), "merge", JobStatus.CANCELLED);
        Caller stranger = new Caller("else", "other-" + UUID.randomUUID(), false);
        assertThat(allPages(stranger, null, null, 200)).doesNotContain(mine);
        Caller admin = new Caller("root", "any", true);
        assertThat(allPages(admin, null, null, 200)).contains(mine);
    }
}
