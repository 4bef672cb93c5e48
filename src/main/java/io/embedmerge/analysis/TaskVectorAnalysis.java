package io.embedmerge.analysis;

import io.embedmerge.checkpoint.Checkpoint;
import io.embedmerge.merge.MergeMonitor;
import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.execution.CheckpointScan;
import io.embedmerge.merge.statistics.MagnitudeThresholds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes a {@link TaskVectorReport} in three streaming passes: two for the model-level TIES thresholds, one for
 * Gram matrices, sign conflicts and kept counts per layer. Memory does not grow with the model.
 */
public final class TaskVectorAnalysis {

    private TaskVectorAnalysis() {}

    /** Running sums of one group. */
    private static final class Sums {
        final String name;
        long elements;
        final double[][] gram;
        final long[][] bothNonZero;
        final long[][] conflicts;
        final long[] kept;
        long multiNonZero;
        long anyConflict;

        Sums(String name, int n) {
            this.name = name;
            this.gram = new double[n][n];
            this.bothNonZero = new long[n][n];
            this.conflicts = new long[n][n];
            this.kept = new long[n];
        }

        void add(Sums other) {
            int n = kept.length;
            elements += other.elements;
            multiNonZero += other.multiNonZero;
            anyConflict += other.anyConflict;
            for (int i = 0; i < n; i++) {
                kept[i] += other.kept[i];
                for (int j = 0; j < n; j++) {
                    gram[i][j] += other.gram[i][j];
                    bothNonZero[i][j] += other.bothNonZero[i][j];
                    conflicts[i][j] += other.conflicts[i][j];
                }
            }
        }
    }

    public static TaskVectorReport run(
            Checkpoint base, List<Checkpoint> models, List<String> labels, double density, MergeMonitor monitor) {
        int n = models.size();
        CheckpointScan scan = new CheckpointScan(base, models, monitor);
        long entries = scan.tensors().stream().mapToLong(MergeTensor::elements).sum();
        float[] thresholds = MagnitudeThresholds.find(v -> scan.forEachChunk("trim-threshold", v), n, entries, density);

        Map<String, Sums> layers = new LinkedHashMap<>();
        float[][] v = new float[n][];
        scan.forEachChunk("conflicts", (tensor, first, b, m, count) -> {
            Sums sums = layers.computeIfAbsent(LayerGroups.of(tensor.name()), name -> new Sums(name, n));
            sums.elements += count;
            for (int i = 0; i < n; i++) {
                if (v[i] == null) {
                    v[i] = new float[m[i].length];
                }
                float[] vi = v[i];
                float[] mi = m[i];
                long kept = 0;
                for (int j = 0; j < count; j++) {
                    vi[j] = mi[j] - b[j];
                    kept += Math.abs(vi[j]) >= thresholds[i] ? 1 : 0;
                }
                sums.kept[i] += kept;
            }
            for (int i = 0; i < n; i++) {
                for (int k = i; k < n; k++) {
                    double dot = 0;
                    long both = 0;
                    long conflict = 0;
                    float[] a = v[i];
                    float[] c = v[k];
                    for (int j = 0; j < count; j++) {
                        dot += (double) a[j] * c[j];
                        boolean nonZero = a[j] != 0 && c[j] != 0;
                        both += nonZero ? 1 : 0;
                        conflict += nonZero && (a[j] > 0) != (c[j] > 0) ? 1 : 0;
                    }
                    sums.gram[i][k] += dot;
                    sums.gram[k][i] = sums.gram[i][k];
                    if (i != k) {
                        sums.bothNonZero[i][k] += both;
                        sums.bothNonZero[k][i] = sums.bothNonZero[i][k];
                        sums.conflicts[i][k] += conflict;
                        sums.conflicts[k][i] = sums.conflicts[i][k];
                    }
                }
            }
            for (int j = 0; j < count; j++) {
                int positive = 0;
                int negative = 0;
                for (int i = 0; i < n; i++) {
                    positive += v[i][j] > 0 ? 1 : 0;
                    negative += v[i][j] < 0 ? 1 : 0;
                }
                if (positive + negative >= 2) {
                    sums.multiNonZero++;
                    if (positive > 0 && negative > 0) {
                        sums.anyConflict++;
                    }
                }
            }
        });
        Sums model = new Sums("model", n);
        layers.values().forEach(model::add);
        List<TaskVectorReport.Group> groups = new ArrayList<>();
        layers.values().forEach(s -> groups.add(group(s, n)));
        return new TaskVectorReport(labels, density, group(model, n), groups);
    }

    private static TaskVectorReport.Group group(Sums s, int n) {
        List<Double> norms = new ArrayList<>();
        List<Double> kept = new ArrayList<>();
        List<List<Double>> cosine = new ArrayList<>();
        List<List<Double>> angle = new ArrayList<>();
        List<List<Double>> conflict = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            norms.add(Math.sqrt(s.gram[i][i]));
            kept.add(s.elements == 0 ? 0 : (double) s.kept[i] / s.elements);
        }
        for (int i = 0; i < n; i++) {
            List<Double> cosRow = new ArrayList<>();
            List<Double> angleRow = new ArrayList<>();
            List<Double> conflictRow = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                double denominator = norms.get(i) * norms.get(k);
                double cos = denominator == 0 ? 0 : Math.max(-1, Math.min(1, s.gram[i][k] / denominator));
                if (i == k && denominator != 0) {
                    cos = 1;
                }
                cosRow.add(cos);
                angleRow.add(Math.toDegrees(Math.acos(cos)));
                conflictRow.add(
                        i == k || s.bothNonZero[i][k] == 0 ? 0.0 : (double) s.conflicts[i][k] / s.bothNonZero[i][k]);
            }
            cosine.add(cosRow);
            angle.add(angleRow);
            conflict.add(conflictRow);
        }
        double any = s.multiNonZero == 0 ? 0 : (double) s.anyConflict / s.multiNonZero;
        return new TaskVectorReport.Group(s.name, s.elements, norms, cosine, angle, conflict, kept, any);
    }
}
