package io.embedmerge.merge;

import io.embedmerge.support.TestSafetensors.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plain float64 implementations of merge-methods.md, written directly from its formulas on whole vectors (no
 * streaming, no Gram-matrix shortcut, selection by sorting), for comparison with the service. Task-vector entries
 * are float32 differences, as the contract fixes.
 */
final class ReferenceMerges {

    private ReferenceMerges() {}

    /** Floating tensors only, sorted by name: the groups a merge works on. */
    static Map<String, double[]> floating(Map<String, Tensor> tensors) {
        Map<String, double[]> out = new TreeMap<>();
        tensors.forEach((name, t) -> {
            if (t.values() != null) {
                out.put(name, t.values());
            }
        });
        return out;
    }

    static double[] taskVector(double[] base, double[] model) {
        double[] v = new double[base.length];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) ((float) model[j] - (float) base[j]);
        }
        return v;
    }

    /** The groups of names over which statistics are taken. */
    static List<List<String>> groups(Map<String, double[]> base, boolean modelGranularity) {
        List<String> names = new ArrayList<>(base.keySet());
        if (modelGranularity) {
            return List.of(names);
        }
        return names.stream().map(List::of).toList();
    }

    static double[] concat(Map<String, double[]> values, List<String> names) {
        return names.stream()
                .flatMap(n -> Arrays.stream(values.get(n)).boxed())
                .mapToDouble(Double::doubleValue)
                .toArray();
    }

    /** Splits a concatenated vector back into named tensors and adds it to the base: θ0 + scale·vm. */
    static void addBack(
            Map<String, double[]> out, Map<String, double[]> base, List<String> names, double[] vm, double scale) {
        int offset = 0;
        for (String n : names) {
            double[] b = base.get(n);
            double[] r = new double[b.length];
            for (int j = 0; j < b.length; j++) {
                r[j] = b[j] + scale * vm[offset + j];
            }
            offset += b.length;
            out.put(n, r);
        }
    }

    static double[] slerp(double[] a, double[] b, double t) {
        double na = norm(a);
        double nb = norm(b);
        double[] out = new double[a.length];
        double cos = na < 1e-8 || nb < 1e-8 ? 1.0 : dot(a, b) / (na * nb);
        if (na < 1e-8 || nb < 1e-8 || Math.abs(cos) > 0.9995) {
            for (int j = 0; j < a.length; j++) {
                out[j] = (1 - t) * a[j] + t * b[j];
            }
            return out;
        }
        double omega = Math.acos(cos);
        double s = Math.sin(omega);
        for (int j = 0; j < a.length; j++) {
            out[j] = Math.sin((1 - t) * omega) / s * a[j] + Math.sin(t * omega) / s * b[j];
        }
        return out;
    }

    static Map<String, double[]> slerp(
            Map<String, double[]> base,
            List<Map<String, double[]>> models,
            double[] a,
            double lambda,
            boolean modelGranularity) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (List<String> group : groups(base, modelGranularity)) {
            double[] b = concat(base, group);
            double[] u = taskVector(b, concat(models.get(0), group));
            double sumPrev = a[0];
            for (int k = 1; k < models.size(); k++) {
                double t = a[k] / (sumPrev / k + a[k]);
                u = slerp(u, taskVector(b, concat(models.get(k), group)), t);
                sumPrev += a[k];
            }
            addBack(out, base, group, u, lambda);
        }
        return out;
    }

    record TiesOptions(
            double density,
            double lambda,
            boolean countSigns,
            boolean normalize,
            boolean modelGranularity,
            boolean rescaleNorm) {}

    static Map<String, double[]> ties(
            Map<String, double[]> base, List<Map<String, double[]>> models, double[] w, TiesOptions o) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int n = models.size();
        for (List<String> group : groups(base, o.modelGranularity())) {
            double[] b = concat(base, group);
            double[][] trimmed = new double[n][];
            for (int i = 0; i < n; i++) {
                double[] v = taskVector(b, concat(models.get(i), group));
                double[] mags = Arrays.stream(v).map(Math::abs).sorted().toArray();
                int k = (int) Math.ceil(o.density() * v.length);
                double threshold = mags[mags.length - k];
                trimmed[i] = Arrays.stream(v)
                        .map(x -> Math.abs(x) >= threshold ? x : 0)
                        .toArray();
            }
            double[] merged = electAndMerge(trimmed, w, o.countSigns(), o.normalize());
            double scale = o.lambda();
            if (o.rescaleNorm()) {
                double[] avg = new double[b.length];
                for (double[] t : trimmed) {
                    for (int j = 0; j < avg.length; j++) {
                        avg[j] += t[j] / n;
                    }
                }
                double nm = norm(merged);
                scale *= nm == 0 ? 1 : norm(avg) / nm;
            }
            addBack(out, base, group, merged, scale);
        }
        return out;
    }

    static double[] electAndMerge(double[][] t, double[] w, boolean countSigns, boolean normalize) {
        double[] merged = new double[t[0].length];
        for (int j = 0; j < merged.length; j++) {
            double vote = 0;
            for (int i = 0; i < t.length; i++) {
                vote += countSigns ? Math.signum(w[i] * t[i][j]) : w[i] * t[i][j];
            }
            double s = vote >= 0 ? 1 : -1;
            double num = 0;
            double den = 0;
            for (int i = 0; i < t.length; i++) {
                if (t[i][j] != 0 && Math.signum(w[i] * t[i][j]) == s) {
                    num += w[i] * t[i][j];
                    den += w[i];
                }
            }
            merged[j] = normalize && den != 0 ? num / den : num;
        }
        return merged;
    }

    static double norm(double[] x) {
        return Math.sqrt(dot(x, x));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    static double maxAbsDiff(Map<String, double[]> expected, Map<String, Tensor> actual) {
        double max = 0;
        for (var e : expected.entrySet()) {
            double[] got = actual.get(e.getKey()).values();
            for (int j = 0; j < got.length; j++) {
                max = Math.max(max, Math.abs(got[j] - e.getValue()[j]));
            }
        }
        return max;
    }
}
