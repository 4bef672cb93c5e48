package io.embedmerge.api;

import io.embedmerge.analysis.TaskVectorReport;
import io.embedmerge.job.JobResult;
import io.embedmerge.storage.StoredFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report of a job: summary, scores, for analyses the angle heat map and per-layer charts, and the loss
 * curves of training and Self-Positioning runs.
 */
final class ReportPage {

    private ReportPage() {}

    static String render(JobView job, StageTimings timings) {
        StringBuilder html = HtmlPage.start("Job " + job.id());
        html.append("<h1>Job <code>")
                .append(job.id())
                .append("</code> (")
                .append(Svg.escape(job.kind()))
                .append(")</h1><p>Status <b>")
                .append(job.status())
                .append("</b>");
        if (job.progress() != null && job.progress().stage() != null) {
            html.append(" · stage ").append(Svg.escape(job.progress().stage()));
            if (job.progress().fraction() != null) {
                html.append(
                        String.format(Locale.ROOT, " · %.0f%%", job.progress().fraction() * 100));
            }
        }
        html.append(" · created ").append(job.createdAt()).append("</p>");
        if (job.error() != null) {
            html.append("<p><b>")
                    .append(Svg.escape(job.error().code()))
                    .append("</b>: ")
                    .append(Svg.escape(job.error().message()))
                    .append("</p>");
        }
        JobResult result = job.result();
        if (result != null && result.output() != null) {
            html.append("<h2>Output</h2><p><code>")
                    .append(Svg.escape(result.output().uri()))
                    .append("</code></p>")
                    .append("<table><tr><th class='l'>file</th><th>bytes</th><th class='l'>sha256</th></tr>");
            for (StoredFile f : result.output().files()) {
                html.append("<tr><td class='l'>")
                        .append(Svg.escape(f.name()))
                        .append("</td><td>")
                        .append(f.bytes())
                        .append("</td><td class='l'><code>")
                        .append(f.sha256())
                        .append("</code></td></tr>");
            }
            html.append("</table>");
        }
        if (result != null && result.method() != null) {
            method(html, result.method());
        }
        if (result != null && result.inputs() != null) {
            inputs(html, result.inputs());
        }
        timings(html, timings);
        if (result != null && result.scores() != null) {
            scores(html, result);
        }
        if (result != null && result.analysis() != null) {
            analysis(html, result.analysis());
        }
        if (result != null) {
            lossCurves(html, result);
        }
        return html.append("</body></html>").toString();
    }

    private static void method(StringBuilder html, JobResult.MethodUsed method) {
        html.append("<h2>Method</h2><p><code>")
                .append(Svg.escape(method.name()))
                .append("</code></p>")
                .append("<table><tr><th class='l'>parameter</th><th class='l'>value</th></tr>");
        method.params()
                .forEach((name, value) -> html.append("<tr><td class='l'>")
                        .append(Svg.escape(name))
                        .append("</td><td class='l'><code>")
                        .append(Svg.escape(String.valueOf(value)))
                        .append("</code></td></tr>"));
        html.append("</table>");
    }

    private static void inputs(StringBuilder html, List<JobResult.InputFiles> inputs) {
        html.append(
                "<h2>Inputs</h2><table><tr><th class='l'>role</th><th class='l'>checkpoint</th><th class='l'>file</th>"
                        + "<th>bytes</th><th class='l'>sha256</th></tr>");
        for (JobResult.InputFiles input : inputs) {
            String who = input.label() == null ? input.uri() : input.label() + " (" + input.uri() + ")";
            for (StoredFile f : input.files()) {
                html.append("<tr><td class='l'>")
                        .append(Svg.escape(input.role()))
                        .append("</td><td class='l'>")
                        .append(Svg.escape(who))
                        .append("</td><td class='l'>")
                        .append(Svg.escape(f.name()))
                        .append("</td><td>")
                        .append(f.bytes())
                        .append("</td><td class='l'><code>")
                        .append(f.sha256())
                        .append("</code></td></tr>");
            }
        }
        html.append("</table>");
    }

    private static void timings(StringBuilder html, StageTimings timings) {
        if (timings.stages().isEmpty()) {
            return;
        }
        html.append("<h2>Time per stage</h2><table><tr><th class='l'>stage</th><th>seconds</th></tr>");
        for (StageTimings.Stage stage : timings.stages()) {
            html.append(String.format(
                    Locale.ROOT,
                    "<tr><td class='l'>%s</td><td>%.3f</td></tr>",
                    Svg.escape(stage.name()),
                    stage.seconds()));
        }
        html.append("</table>");
    }

    private static void lossCurves(StringBuilder html, JobResult result) {
        List<String> labels = new ArrayList<>();
        List<List<Double>> curves = new ArrayList<>();
        List<List<Integer>> steps = new ArrayList<>();
        if (result.lossCurve() != null && !result.lossCurve().isEmpty()) {
            labels.add("self_positioning probe loss");
            curves.add(result.lossCurve());
            steps.add(everyStep(result.lossCurve()));
            if (result.probeLossCurves() != null && result.probeLossCurves().size() > 1) {
                result.probeLossCurves().forEach((part, curve) -> {
                    labels.add("part " + part);
                    curves.add(curve);
                    steps.add(everyStep(curve));
                });
            }
            if (result.validation() != null) {
                labels.add("validation loss (kept step " + result.validation().chosenStep() + ")");
                curves.add(result.validation().loss());
                steps.add(result.validation().steps());
            }
        }
        if (result.runs() != null) {
            for (JobResult.TrainingRun run : result.runs()) {
                labels.add(run.folder().isEmpty() ? "training loss" : run.folder());
                curves.add(run.lossCurve());
                steps.add(everyStep(run.lossCurve()));
            }
        }
        if (curves.isEmpty()) {
            return;
        }
        html.append("<h2>Loss curve</h2>").append(Svg.lineChart(curves, steps)).append(Svg.legend(labels));
        if (result.coefficients() != null) {
            coefficients(html, result.coefficients(), modelLabels(result.inputs()));
        }
    }

    private static List<Integer> everyStep(List<Double> curve) {
        return java.util.stream.IntStream.rangeClosed(1, curve.size()).boxed().toList();
    }

    /** Self-Positioning's coefficients; per layer, a chart of the scale λ_g·c_{g,i} each model's task vector got. */
    private static void coefficients(StringBuilder html, JobResult.Coefficients c, List<String> models) {
        if (c.layers() == null) {
            html.append(String.format(
                    Locale.ROOT,
                    "<p>Learned a = %s, λ = %.4f, t = %s, c = %s</p>",
                    c.weights(),
                    c.lambda(),
                    c.t(),
                    c.c()));
            return;
        }
        List<String> groups =
                c.layers().stream().map(JobResult.GroupCoefficients::group).toList();
        int count = c.layers().getFirst().c().size();
        if (models.size() != count) {
            models = java.util.stream.IntStream.range(0, count)
                    .mapToObj(i -> "models[" + i + "]")
                    .toList();
        }
        List<List<Double>> scales = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            int model = i;
            scales.add(
                    c.layers().stream().map(g -> g.lambda() * g.c().get(model)).toList());
        }
        html.append("<h2>Learned coefficients per layer: λ·c<sub>i</sub></h2>")
                .append(Svg.legend(models))
                .append(Svg.groupedBars(groups, models, scales, "%.3f"))
                .append("<table><tr><th class='l'>group</th><th class='l'>a</th><th>λ</th><th class='l'>t</th>"
                        + "<th class='l'>c</th></tr>");
        for (JobResult.GroupCoefficients g : c.layers()) {
            html.append(String.format(
                    Locale.ROOT,
                    "<tr><td class='l'>%s</td><td class='l'>%s</td><td>%.4f</td>"
                            + "<td class='l'>%s</td><td class='l'>%s</td></tr>",
                    Svg.escape(g.group()),
                    rounded(g.weights()),
                    g.lambda(),
                    rounded(g.t()),
                    rounded(g.c())));
        }
        html.append("</table>");
    }

    private static String rounded(List<Double> values) {
        return values.stream()
                .map(v -> String.format(Locale.ROOT, "%.4f", v))
                .toList()
                .toString();
    }

    /** The merged models' labels in request order (their URI where they have none). */
    private static List<String> modelLabels(List<JobResult.InputFiles> inputs) {
        if (inputs == null) {
            return List.of();
        }
        return inputs.stream()
                .filter(input -> input.role().equals("model"))
                .map(input -> input.label() != null ? input.label() : input.uri())
                .toList();
    }

    private static void scores(StringBuilder html, JobResult result) {
        List<JobResult.CheckpointScores> rows = result.comparison() != null
                ? result.comparison()
                : List.of(new JobResult.CheckpointScores("checkpoint", null, result.scores(), result.averageScore()));
        List<String> names = new ArrayList<>(result.scores().keySet());
        html.append("<h2>Scores</h2><table><tr><th class='l'>checkpoint</th>");
        names.forEach(n -> html.append("<th>").append(Svg.escape(n)).append("</th>"));
        html.append("<th>average</th></tr>");
        for (JobResult.CheckpointScores row : rows) {
            html.append("<tr><td class='l'>")
                    .append(Svg.escape(row.checkpoint()))
                    .append("</td>");
            for (String n : names) {
                html.append(String.format(
                        Locale.ROOT, "<td>%.2f</td>", row.scores().get(n).main()));
            }
            html.append(String.format(Locale.ROOT, "<td><b>%.2f</b></td></tr>", row.averageScore()));
        }
        html.append("</table>");
        if (result.comparison() != null) {
            List<String> checkpoints =
                    rows.stream().map(JobResult.CheckpointScores::checkpoint).toList();
            List<List<Double>> values = new ArrayList<>();
            for (JobResult.CheckpointScores row : rows) {
                values.add(names.stream().map(n -> row.scores().get(n).main()).toList());
            }
            html.append(Svg.legend(checkpoints)).append(Svg.groupedBars(names, checkpoints, values, "%.1f"));
        }
    }

    private static void analysis(StringBuilder html, TaskVectorReport report) {
        List<String> labels = report.labels();
        TaskVectorReport.Group model = report.model();
        html.append("<h2>Angles between task vectors (whole model)</h2>")
                .append("<p>90° means orthogonal task vectors; smaller angles mean the tasks pull the same way.</p>")
                .append(Svg.heatMap(labels, model.angleDegrees(), 90, "°"));
        html.append("<h2>Sign conflicts (whole model)</h2><p>Share of entries, among those where both task vectors are "
                        + "non-zero, whose signs differ. Any-pair conflict rate: ")
                .append(String.format(Locale.ROOT, "%.1f%%", model.anySignConflictRate() * 100))
                .append("</p>")
                .append(Svg.heatMap(labels, percent(model.signConflictRate()), 100, "%"));
        html.append(
                        "<h2>Task-vector norms</h2><table><tr><th class='l'>model</th><th>‖V‖</th><th>kept by TIES trim at ρ=")
                .append(report.trimDensity())
                .append("</th></tr>");
        for (int i = 0; i < labels.size(); i++) {
            html.append(String.format(
                    Locale.ROOT,
                    "<tr><td class='l'>%s</td><td>%.4g</td><td>%.1f%%</td></tr>",
                    Svg.escape(labels.get(i)),
                    model.norms().get(i),
                    model.keptShare().get(i) * 100));
        }
        html.append("</table>");
        List<String> layers =
                report.layers().stream().map(TaskVectorReport.Group::name).toList();
        List<List<Double>> norms = new ArrayList<>();
        List<List<Double>> kept = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            int index = i;
            norms.add(report.layers().stream().map(g -> g.norms().get(index)).toList());
            kept.add(report.layers().stream()
                    .map(g -> g.keptShare().get(index) * 100)
                    .toList());
        }
        html.append("<h2>Task-vector norm per layer</h2>")
                .append(Svg.legend(labels))
                .append(Svg.groupedBars(layers, labels, norms, "%.3g"));
        html.append("<h2>Share of each layer kept by a model-level TIES trim (ρ = ")
                .append(report.trimDensity())
                .append(")</h2><p>Uneven shares show where a model's update is concentrated (data imbalance).</p>")
                .append(Svg.legend(labels))
                .append(Svg.groupedBars(layers, labels, kept, "%.0f%%"));
        if (labels.size() >= 2) {
            List<List<Double>> conflict = List.of(report.layers().stream()
                    .map(g -> g.anySignConflictRate() * 100)
                    .toList());
            html.append("<h2>Sign-conflict rate per layer</h2>")
                    .append(Svg.groupedBars(layers, List.of("any pair"), conflict, "%.0f%%"));
        }
    }

    private static List<List<Double>> percent(List<List<Double>> rates) {
        return rates.stream()
                .map(row -> row.stream().map(v -> v * 100).toList())
                .toList();
    }
}
