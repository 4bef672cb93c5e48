package io.embedmerge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedmerge.api.ComparisonView.Cell;
import io.embedmerge.api.ComparisonView.Row;
import io.embedmerge.job.JobResult;
import io.embedmerge.job.JobStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The HTML of a comparison: escaped user text, marked best cells, one chart per column, nothing external. */
class ComparisonPageTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SCRIPT = "<script>alert('x')</script>";

    private static Row row(
            String label,
            String role,
            JobResult.MethodUsed method,
            JobResult.Coefficients coefficients,
            Cell sts,
            Cell pairs,
            Cell average) {
        Map<String, Cell> scores = new LinkedHashMap<>();
        scores.put("sts", sts);
        scores.put("pairs " + SCRIPT, pairs);
        return new Row(
                label,
                role,
                UUID.randomUUID(),
                "merge",
                JobStatus.SUCCEEDED,
                "file:/m/" + label,
                method,
                coefficients,
                scores,
                average,
                null,
                Map.of("label", label));
    }

    private static String page() {
        JobResult.Coefficients learned = JSON.readValue(
                "{\"weights\": [0.625, 0.375], \"lambda\": 1.125, \"t\": [0.5], \"c\": [0.5, 0.5]}",
                JobResult.Coefficients.class);
        List<Row> rows = List.of(
                row(
                        "base",
                        ComparisonView.BASE,
                        null,
                        null,
                        new Cell(70.0, false),
                        new Cell(50.0, false),
                        new Cell(60.0, false)),
                row(
                        SCRIPT,
                        ComparisonView.MERGED,
                        new JobResult.MethodUsed("ties", Map.of("density", SCRIPT)),
                        null,
                        new Cell(80.0, true),
                        new Cell(null, false),
                        new Cell(null, false)),
                row(
                        "sp",
                        ComparisonView.MERGED,
                        new JobResult.MethodUsed("self_positioning", Map.of()),
                        learned,
                        new Cell(80.0, true),
                        new Cell(66.25, true),
                        new Cell(73.125, true)));
        return ComparisonPage.render(
                new ComparisonView(List.of("sts", "pairs " + SCRIPT), rows), "metadata experiment=" + SCRIPT);
    }

    @Test
    void userTextIsEscapedEverywhere() {
        String html = page();
        assertThat(html).doesNotContain("<script", "alert('x')");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        // labels also end up in attribute values (title) and SVG text: no raw quote may close them
        assertThat(html).doesNotContainPattern("title='[^']*<");
    }

    @Test
    void bestCellsAreMarkedAndEachColumnAndTheAverageHaveABarChart() {
        String html = page();
        assertThat(count(html, "<td class='best'>"))
                .as("sts tie (2), pairs (1), average (1)")
                .isEqualTo(4);
        assertThat(html)
                .contains(
                        "<td class='best'>80.00</td>",
                        "<td class='best'>66.25</td>",
                        "<td class='best'>73.13</td>",
                        "<td>70.00</td>");
        assertThat(count(html, "<svg")).isEqualTo(3);
        assertThat(count(html, "<rect"))
                .as("one bar per value present: 3 + 2 + 2")
                .isEqualTo(7);
        assertThat(html).contains("font-weight='bold'>80.00</text>", ">—</text>");
        assertThat(html).contains("<code>self_positioning</code>", "a = [0.6250, 0.3750]", "λ = 1.125");
    }

    @Test
    void thePageLoadsNothingFromElsewhere() {
        String html = page();
        assertThat(html).doesNotContainPattern("(?i)<(script|link|img|iframe|object)\\b");
        assertThat(html).doesNotContainPattern("(?i)\\ssrc\\s*=");
        Matcher urls = Pattern.compile("https?://[^'\" ]+").matcher(html);
        while (urls.find()) {
            assertThat(urls.group()).as("only the SVG namespace").isEqualTo("http://www.w3.org/2000/svg");
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
