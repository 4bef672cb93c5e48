package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.job.JobValidationException;
import io.embedmerge.job.MalformedRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The selection of a comparison: ids or metadata filters, and its limit. */
class ComparisonQueryTest {

    @Test
    void idsKeepTheirOrderOnceEach() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        ComparisonQuery query = ComparisonQuery.of(b + ", " + a + "," + b, Map.of(), 50);
        assertThat(query.ids()).containsExactly(b, a);
        assertThat(query.byIds()).isTrue();
        assertThat(query.describe()).isEqualTo("ids " + b + ", " + a);
    }

    @Test
    void metadataFiltersSelectWhenNoIdsAreGiven() {
        ComparisonQuery query = ComparisonQuery.of(null, Map.of("metadata.experiment", "ties", "limit", "5"), 5);
        assertThat(query.byIds()).isFalse();
        assertThat(query.metadata()).containsExactly(Map.entry("experiment", "ties"));
        assertThat(query.describe()).isEqualTo("metadata experiment=ties");
    }

    @Test
    void malformedOrMissingSelectionsAre400sNamingIds() {
        UUID a = UUID.randomUUID();
        for (String ids : List.of("42", a + ",", a + ",,", "1-1-1-1-1", a + "x", "<script>")) {
            assertThatThrownBy(() -> ComparisonQuery.of(ids, Map.of(), 50))
                    .as(ids)
                    .isInstanceOfSatisfying(
                            MalformedRequestException.class,
                            e -> assertThat(e.problem().field()).isEqualTo("ids"));
        }
        assertThatThrownBy(() -> ComparisonQuery.of(null, Map.of(), 50))
                .isInstanceOfSatisfying(
                        MalformedRequestException.class,
                        e -> assertThat(e.problem().message()).contains("metadata.<key>=<value>"));
        assertThatThrownBy(() -> ComparisonQuery.of(" ", Map.of("format", "html"), 50))
                .isInstanceOf(MalformedRequestException.class);
        assertThatThrownBy(() -> ComparisonQuery.of(a.toString(), Map.of("metadata.run", "1"), 50))
                .isInstanceOfSatisfying(
                        MalformedRequestException.class,
                        e -> assertThat(e.problem().message()).contains("not both"));
        assertThatThrownBy(() -> ComparisonQuery.of(null, Map.of("metadata.a b", "1"), 50))
                .isInstanceOfSatisfying(
                        MalformedRequestException.class,
                        e -> assertThat(e.problem().field()).isEqualTo("metadata.a b"));
    }

    @Test
    void moreIdsThanTheLimitOrALimitOutOfRangeAre422s() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ComparisonQuery.DEFAULT_LIMIT + 1; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        assertThatThrownBy(() -> ComparisonQuery.of(String.join(",", ids), Map.of(), ComparisonQuery.DEFAULT_LIMIT))
                .isInstanceOfSatisfying(JobValidationException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.field()).isEqualTo("ids");
                        assertThat(p.message()).isEqualTo("at most 50 jobs are compared (limit), got 51");
                    });
                });
        assertThat(ComparisonQuery.of(String.join(",", ids), Map.of(), 51).ids())
                .hasSize(51);
        for (int limit : new int[] {0, -1, ComparisonQuery.MAX_LIMIT + 1}) {
            assertThatThrownBy(() -> ComparisonQuery.of(ids.getFirst(), Map.of(), limit))
                    .as("limit %d", limit)
                    .isInstanceOfSatisfying(
                            JobValidationException.class,
                            e -> assertThat(e.problems().getFirst().field()).isEqualTo("limit"));
        }
    }
}
