package io.embedmerge.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.merge.MergeMonitor;
import io.embedmerge.support.TestCheckpoints;
import io.embedmerge.support.TestSafetensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task-vector statistics against a float64 computation on whole vectors, per layer and for the model. */
class TaskVectorAnalysisTest {

    /** The layers of TestCheckpoints.mixedLayout(), written out by hand (the int64 buffer is not a task vector). */
    private static final Map<String, List<String>> LAYERS = new LinkedHashMap<>();

    static {
        LAYERS.put("embeddings", List.of("embeddings.word_embeddings.weight"));
        LAYERS.put(
                "encoder.layer.0",
                List.of(
                        "encoder.layer.0.attention.self.query.bias",
                        "encoder.layer.0.attention.self.query.weight",
                        "encoder.layer.0.output.dense.weight"));
        LAYERS.put("pooler", List.of("pooler.dense.bias"));
    }

    private static double[] taskVector(Path base, Path model, List<String> names) {
        var b = TestSafetensors.read(base.resolve("model.safetensors"));
        var m = TestSafetensors.read(model.resolve("model.safetensors"));
        List<Double> out = new ArrayList<>();
        for (String name : names) {
            double[] bv = b.get(name).values();
            double[] mv = m.get(name).values();
            for (int j = 0; j < bv.length; j++) {
                out.add((double) ((float) mv[j] - (float) bv[j]));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void normsAnglesConflictsAndKeptSharesMatchAFloat64Computation() {
        Path base = TestCheckpoints.create(TestCheckpoints.mixedLayout(), 1);
        List<Path> models = List.of(
                TestCheckpoints.create(TestCheckpoints.mixedLayout(), 2),
                TestCheckpoints.create(TestCheckpoints.mixedLayout(), 3),
                TestCheckpoints.create(TestCheckpoints.mixedLayout(), 4));
        double density = 0.25;
        TaskVectorReport report;
        List<Checkpoint> opened = new ArrayList<>();
        try (Checkpoint b = Checkpoint.open(base)) {
            models.forEach(p -> opened.add(Checkpoint.open(p)));
            report = TaskVectorAnalysis.run(b, opened, List.of("a", "b", "c"), density, MergeMonitor.NONE);
        } finally {
            opened.forEach(Checkpoint::close);
        }

        List<String> all = LAYERS.values().stream().flatMap(List::stream).toList();
        double[][] whole = models.stream().map(m -> taskVector(base, m, all)).toArray(double[][]::new);
        double[] thresholds = new double[3];
        for (int i = 0; i < 3; i++) {
            double[] mags = Arrays.stream(whole[i]).map(Math::abs).sorted().toArray();
            thresholds[i] = mags[mags.length - (int) Math.ceil(density * mags.length)];
        }
        assertThat(report.layers().stream().map(TaskVectorReport.Group::name).toList())
                .containsExactlyInAnyOrderElementsOf(LAYERS.keySet());
        check(report.model(), whole, thresholds);
        for (TaskVectorReport.Group layer : report.layers()) {
            double[][] v = models.stream()
                    .map(m -> taskVector(base, m, LAYERS.get(layer.name())))
                    .toArray(double[][]::new);
            check(layer, v, thresholds);
        }
    }

    private static void check(TaskVectorReport.Group group, double[][] v, double[] thresholds) {
        assertThat(group.elements()).isEqualTo(v[0].length);
        for (int i = 0; i < v.length; i++) {
            assertThat(group.norms().get(i))
                    .as("%s norm %d", group.name(), i)
                    .isCloseTo(norm(v[i]), within(1e-9 * norm(v[i])));
            int index = i;
            long kept = Arrays.stream(v[i])
                    .filter(x -> Math.abs(x) >= thresholds[index])
                    .count();
            assertThat(group.keptShare().get(i)).isCloseTo((double) kept / v[i].length, within(1e-12));
            for (int k = 0; k < v.length; k++) {
                double cos = i == k ? 1 : dot(v[i], v[k]) / (norm(v[i]) * norm(v[k]));
                assertThat(group.cosine().get(i).get(k)).isCloseTo(cos, within(1e-9));
                assertThat(group.angleDegrees().get(i).get(k)).isCloseTo(Math.toDegrees(Math.acos(cos)), within(1e-6));
                if (i != k) {
                    long both = 0;
                    long differ = 0;
                    for (int j = 0; j < v[i].length; j++) {
                        if (v[i][j] != 0 && v[k][j] != 0) {
                            both++;
                            differ += Math.signum(v[i][j]) != Math.signum(v[k][j]) ? 1 : 0;
                        }
                    }
                    assertThat(group.signConflictRate().get(i).get(k)).isCloseTo((double) differ / both, within(1e-12));
                }
            }
        }
        long multi = 0;
        long conflict = 0;
        for (int j = 0; j < v[0].length; j++) {
            int pos = 0;
            int neg = 0;
            for (double[] x : v) {
                pos += x[j] > 0 ? 1 : 0;
                neg += x[j] < 0 ? 1 : 0;
            }
            if (pos + neg >= 2) {
                multi++;
                conflict += pos > 0 && neg > 0 ? 1 : 0;
            }
        }
        assertThat(group.anySignConflictRate()).isCloseTo((double) conflict / multi, within(1e-12));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
