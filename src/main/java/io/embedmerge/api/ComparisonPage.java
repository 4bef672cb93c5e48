package io.embedmerge.api;

import io.embedmerge.api.ComparisonView.Cell;
import io.embedmerge.api.ComparisonView.Row;
import io.embedmerge.job.JobResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The comparison as an HTML page: the table with the best value of each column marked, the methods and learned
 * coefficients of the merges, and one horizontal bar chart per column and for the average (plain SVG).
 */
final class ComparisonPage {

    private ComparisonPage() {}

    /** {@code selection} says how the jobs were chosen, e.g. {@code metadata experiment=ties-density}. */
    static String render(ComparisonView view, String selection) {
        List<Row> rows = view.rows();
        long jobs = rows.stream().map(Row::job).distinct().count();
        StringBuilder html = HtmlPage.start("Comparison of " + jobs + " jobs");
        html.append("<h1>Comparison of ")
                .append(jobs)
                .append(" jobs</h1><p>Selected by ")
                .append(Svg.escape(selection))
                .append(". The best value of each column is marked; the average is the "
                        + "mean of a row's main scores over every column (blank where a score is missing).</p>");
        table(html, view);
        methods(html, rows);
        List<String> labels = rows.stream().map(Row::label).toList();
        for (String column : view.columns()) {
            html.append("<h2>")
                    .append(Svg.escape(column))
                    .append("</h2>")
                    .append(Svg.horizontalBars(
                            labels,
                            rows.stream()
                                    .map(r -> r.scores().get(column).value())
                                    .toList(),
                            rows.stream()
                                    .map(r -> r.scores().get(column).best())
                                    .toList(),
                            "%.2f"));
        }
        if (!view.columns().isEmpty()) {
            html.append("<h2>Average</h2>")
                    .append(Svg.horizontalBars(
                            labels,
                            rows.stream().map(r -> r.average().value()).toList(),
                            rows.stream().map(r -> r.average().best()).toList(),
                            "%.2f"));
        }
        return html.append("</body></html>").toString();
    }

    private static void table(StringBuilder html, ComparisonView view) {
        html.append("<table><tr><th class='l'>checkpoint</th><th class='l'>role</th><th class='l'>job</th>"
                + "<th class='l'>status</th>");
        view.columns().forEach(c -> html.append("<th>").append(Svg.escape(c)).append("</th>"));
        html.append("<th>average</th></tr>");
        for (Row row : view.rows()) {
            html.append("<tr><td class='l' title='")
                    .append(Svg.escape(row.uri() == null ? "" : row.uri()))
                    .append("'>")
                    .append(Svg.escape(row.label()))
                    .append("</td><td class='l'>")
                    .append(row.role())
                    .append("</td><td class='l'><a href='jobs/")
                    .append(row.job())
                    .append("/report'><code>")
                    .append(row.job().toString(), 0, 8)
                    .append("</code></a></td><td class='l'>")
                    .append(row.status());
            if (row.errorCode() != null) {
                html.append(" (").append(Svg.escape(row.errorCode())).append(')');
            }
            html.append("</td>");
            view.columns().forEach(c -> cell(html, row.scores().get(c)));
            cell(html, row.average());
            html.append("</tr>");
        }
        html.append("</table>");
    }

    private static void cell(StringBuilder html, Cell cell) {
        if (cell.value() == null) {
            html.append("<td></td>");
        } else {
            html.append(cell.best() ? "<td class='best'>" : "<td>")
                    .append(String.format(Locale.ROOT, "%.2f", cell.value()))
                    .append("</td>");
        }
    }

    private static void methods(StringBuilder html, List<Row> rows) {
        List<Row> merges = rows.stream().filter(r -> r.method() != null).toList();
        if (merges.isEmpty()) {
            return;
        }
        html.append("<h2>Methods</h2><table><tr><th class='l'>checkpoint</th><th class='l'>method</th>"
                + "<th class='l'>parameters</th><th class='l'>learned coefficients</th></tr>");
        for (Row row : merges) {
            JobResult.MethodUsed method = row.method();
            String params = method.params() == null
                    ? ""
                    : method.params().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(", "));
            html.append("<tr><td class='l'>")
                    .append(Svg.escape(row.label()))
                    .append("</td><td class='l'><code>")
                    .append(Svg.escape(method.name()))
                    .append("</code></td><td class='l'>")
                    .append(Svg.escape(params))
                    .append("</td><td class='l'>")
                    .append(coefficients(row.coefficients()))
                    .append("</td></tr>");
        }
        html.append("</table>");
    }

    private static String coefficients(JobResult.Coefficients c) {
        if (c == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        parts.add("a = " + numbers(c.weights()));
        parts.add(String.format(Locale.ROOT, "λ = %.4g", c.lambda()));
        if (c.t() != null && !c.t().isEmpty()) {
            parts.add("t = " + numbers(c.t()));
        }
        if (c.c() != null && !c.c().isEmpty()) {
            parts.add("c = " + numbers(c.c()));
        }
        return String.join("; ", parts);
    }

    private static String numbers(List<Double> values) {
        return values == null
                ? "[]"
                : values.stream()
                        .map(v -> String.format(Locale.ROOT, "%.4g", v))
                        .collect(Collectors.joining(", ", "[", "]"));
    }
}
