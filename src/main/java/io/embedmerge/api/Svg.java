package io.embedmerge.api;

import java.util.List;
import java.util.Locale;

/** Small, dependency-free SVG charts for the report page. */
final class Svg {

    static final String[] PALETTE = {
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
    };

    private Svg() {}

    /** Escapes text for element content and for attribute values in either kind of quotes. */
    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** An N×N heat map; {@code max} maps to the darkest colour. */
    static String heatMap(List<String> labels, List<List<Double>> values, double max, String unit) {
        int n = labels.size();
        int cell = 64;
        int left = 140;
        int top = 30;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' role='img'>",
                left + n * cell + 10,
                top + n * cell + 10));
        for (int i = 0; i < n; i++) {
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x='%d' y='%d' font-size='12' text-anchor='end'>%s</text>",
                    left - 6,
                    top + i * cell + cell / 2 + 4,
                    escape(labels.get(i))));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x='%d' y='%d' font-size='12' text-anchor='middle'>%s</text>",
                    left + i * cell + cell / 2,
                    top - 8,
                    escape(labels.get(i))));
            for (int j = 0; j < n; j++) {
                double v = values.get(i).get(j);
                double shade = max == 0 ? 0 : Math.min(1, Math.max(0, v / max));
                int r = (int) Math.round(255 - shade * (255 - 33));
                int g = (int) Math.round(255 - shade * (255 - 102));
                int b = (int) Math.round(255 - shade * (255 - 172));
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x='%d' y='%d' width='%d' height='%d' fill='rgb(%d,%d,%d)' stroke='#fff'/>"
                                + "<text x='%d' y='%d' font-size='12' text-anchor='middle' fill='%s'>%.1f%s</text>",
                        left + j * cell,
                        top + i * cell,
                        cell,
                        cell,
                        r,
                        g,
                        b,
                        left + j * cell + cell / 2,
                        top + i * cell + cell / 2 + 4,
                        shade > 0.55 ? "#fff" : "#222",
                        v,
                        unit));
            }
        }
        return svg.append("</svg>").toString();
    }

    /** Grouped vertical bars: one group per category, one bar per series. */
    static String groupedBars(List<String> categories, List<String> series, List<List<Double>> values, String format) {
        int groups = categories.size();
        int perGroup = series.size();
        int barWidth = Math.max(4, Math.min(18, 600 / Math.max(1, groups * perGroup)));
        int groupWidth = barWidth * perGroup + 8;
        int height = 220;
        int left = 60;
        int top = 20;
        int bottom = 120;
        double max = values.stream()
                .flatMap(List::stream)
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(1);
        if (max <= 0) {
            max = 1;
        }
        int width = left + groups * groupWidth + 90;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' role='img'>",
                width,
                top + height + bottom));
        svg.append(String.format(
                Locale.ROOT,
                "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#999'/>",
                left,
                top + height,
                width - 10,
                top + height));
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            int y = top + height - (int) Math.round(height * t / 4.0);
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x='%d' y='%d' font-size='10' text-anchor='end'>%s</text>"
                            + "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#eee'/>",
                    left - 4,
                    y + 3,
                    String.format(Locale.ROOT, format, v),
                    left,
                    y,
                    width - 10,
                    y));
        }
        for (int g = 0; g < groups; g++) {
            int x0 = left + g * groupWidth + 4;
            for (int s = 0; s < perGroup; s++) {
                double v = values.get(s).get(g);
                int h = (int) Math.round(height * v / max);
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x='%d' y='%d' width='%d' height='%d' fill='%s'><title>%s / %s: %s</title></rect>",
                        x0 + s * barWidth,
                        top + height - h,
                        barWidth - 1,
                        h,
                        PALETTE[s % PALETTE.length],
                        escape(categories.get(g)),
                        escape(series.get(s)),
                        String.format(Locale.ROOT, format, v)));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<text font-size='10' transform='translate(%d,%d) rotate(60)'>%s</text>",
                    x0 + groupWidth / 2 - 4,
                    top + height + 8,
                    escape(categories.get(g))));
        }
        return svg.append("</svg>").toString();
    }

    /**
     * Horizontal bars from zero, one per label, each labelled with its value; highlighted bars are drawn in the
     * second colour with a bold value. A null value gets its label and a dash, no bar.
     */
    static String horizontalBars(List<String> labels, List<Double> values, List<Boolean> highlighted, String format) {
        int left = 230;
        int width = 420;
        int row = 22;
        int top = 8;
        double lo = 0;
        double hi = 0;
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double span = hi > lo ? hi - lo : 1;
        double zero = left + width * (0 - lo) / span;
        StringBuilder svg = new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' role='img'>",
                left + width + 80,
                top + labels.size() * row + 8));
        svg.append(String.format(
                Locale.ROOT,
                "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#999'/>",
                zero,
                top,
                zero,
                top + labels.size() * row));
        for (int i = 0; i < labels.size(); i++) {
            int y = top + i * row;
            Double v = values.get(i);
            boolean best = highlighted.get(i);
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x='%d' y='%d' font-size='12' text-anchor='end'%s>%s</text>",
                    left - 6,
                    y + 15,
                    best ? " font-weight='bold'" : "",
                    escape(shorten(labels.get(i), 34))));
            if (v == null || !Double.isFinite(v)) {
                svg.append(
                        String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11'>—</text>", zero + 4, y + 15));
                continue;
            }
            String text = String.format(Locale.ROOT, format, v);
            double end = left + width * (v - lo) / span;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s'><title>%s: %s</title></rect>"
                            + "<text x='%.1f' y='%d' font-size='11'%s>%s</text>",
                    Math.min(zero, end),
                    y + 3,
                    Math.abs(end - zero),
                    row - 6,
                    best ? PALETTE[1] : PALETTE[0],
                    escape(labels.get(i)),
                    text,
                    Math.max(zero, end) + 4,
                    y + 15,
                    best ? " font-weight='bold'" : "",
                    text));
        }
        return svg.append("</svg>").toString();
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** Loss curves over steps, one polyline per series, on shared axes (y from the smallest to the largest value). */
    static String lineChart(List<List<Double>> series) {
        return lineChart(
                series,
                series.stream()
                        .map(values -> java.util.stream.IntStream.rangeClosed(1, values.size())
                                .boxed()
                                .toList())
                        .toList());
    }

    /**
     * Curves over steps, each value at its own step ({@code steps} parallel to {@code series}: a training curve at
     * every step, a validation curve every few), on shared axes.
     */
    static String lineChart(List<List<Double>> series, List<List<Integer>> steps) {
        int width = 640;
        int height = 220;
        int left = 60;
        int top = 16;
        int bottom = 30;
        int first = steps.stream()
                .flatMap(List::stream)
                .mapToInt(Integer::intValue)
                .min()
                .orElse(1);
        int last = steps.stream()
                .flatMap(List::stream)
                .mapToInt(Integer::intValue)
                .max()
                .orElse(1);
        double min = series.stream()
                .flatMap(List::stream)
                .mapToDouble(Double::doubleValue)
                .min()
                .orElse(0);
        double max = series.stream()
                .flatMap(List::stream)
                .mapToDouble(Double::doubleValue)
                .max()
                .orElse(1);
        double span = max > min ? max - min : 1;
        StringBuilder svg = new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' role='img'>",
                width,
                top + height + bottom));
        for (int t = 0; t <= 4; t++) {
            double v = min + span * t / 4;
            int y = top + height - (int) Math.round(height * t / 4.0);
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x='%d' y='%d' font-size='10' text-anchor='end'>%.4g</text>"
                            + "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#eee'/>",
                    left - 4,
                    y + 3,
                    v,
                    left,
                    y,
                    width - 10,
                    y));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x='%d' y='%d' font-size='10'>step %d</text>"
                        + "<text x='%d' y='%d' font-size='10' text-anchor='end'>step %d</text>",
                left,
                top + height + 16,
                first,
                width - 10,
                top + height + 16,
                last));
        for (int s = 0; s < series.size(); s++) {
            StringBuilder points = new StringBuilder();
            List<Double> values = series.get(s);
            for (int k = 0; k < values.size(); k++) {
                int step = steps.get(s).get(k);
                double x = left + (width - 10 - left) * (last == first ? 0 : (double) (step - first) / (last - first));
                double y = top + height - height * (values.get(k) - min) / span;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<polyline fill='none' stroke='%s' stroke-width='1.5' points='%s'/>",
                    PALETTE[s % PALETTE.length],
                    points.toString().trim()));
        }
        return svg.append("</svg>").toString();
    }

    static String legend(List<String> series) {
        StringBuilder html = new StringBuilder("<p class='legend'>");
        for (int s = 0; s < series.size(); s++) {
            html.append("<span><i style='background:")
                    .append(PALETTE[s % PALETTE.length])
                    .append("'></i>")
                    .append(escape(series.get(s)))
                    .append("</span> ");
        }
        return html.append("</p>").toString();
    }
}
