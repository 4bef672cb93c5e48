package io.embedmerge.merge;

import io.embedmerge.merge.kernels.DropMask;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Float64 references of the newer task-arithmetic members and of Model Stock, written from their published
 * definitions on whole vectors (selection by sorting, ranks by sorting), for comparison with the streaming service.
 * Random draws use the service's {@link DropMask}, the only shared piece: the references decide what survives.
 */
final class FamilyReferences {

    private FamilyReferences() {}

    record Combine(double lambda, boolean consensus, boolean countSigns, boolean normalize) {}

    /** θ0 + λ·combine(τ'_i): with consensus TIES' elect and disjoint merge, else Σ w_i τ'_i (/ Σ w_i). */
    static double[] combine(double[][] kept, double[] w, Combine c) {
        double[] merged;
        if (c.consensus()) {
            merged = ReferenceMerges.electAndMerge(kept, w, c.countSigns(), c.normalize());
        } else {
            merged = new double[kept[0].length];
            double sum = Arrays.stream(w).sum();
            for (int j = 0; j < merged.length; j++) {
                for (int i = 0; i < kept.length; i++) {
                    merged[j] += w[i] * kept[i][j];
                }
                if (c.normalize()) {
                    merged[j] /= sum;
                }
            }
        }
        for (int j = 0; j < merged.length; j++) {
            merged[j] *= c.lambda();
        }
        return merged;
    }

    /** Breadcrumbs: drop the ⌊γ·n⌋ largest |v| (ties with the last dropped go too), keep the next ⌈ρ·n⌉ (ties kept). */
    static Map<String, double[]> breadcrumbs(
            Map<String, double[]> base,
            List<Map<String, double[]>> models,
            double[] w,
            double density,
            double gamma,
            boolean modelGranularity,
            Combine c) {
        double[] densities = new double[models.size()];
        java.util.Arrays.fill(densities, density);
        return breadcrumbs(base, models, w, densities, gamma, modelGranularity, c);
    }

    /** With a density per model. */
    static Map<String, double[]> breadcrumbs(
            Map<String, double[]> base,
            List<Map<String, double[]>> models,
            double[] w,
            double[] densities,
            double gamma,
            boolean modelGranularity,
            Combine c) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int n = models.size();
        for (List<String> group : ReferenceMerges.groups(base, modelGranularity)) {
            double[] b = ReferenceMerges.concat(base, group);
            double[][] kept = new double[n][];
            for (int i = 0; i < n; i++) {
                double[] v = ReferenceMerges.taskVector(b, ReferenceMerges.concat(models.get(i), group));
                double[] descending = Arrays.stream(v)
                        .map(Math::abs)
                        .map(x -> -x)
                        .sorted()
                        .map(x -> -x)
                        .toArray();
                int size = v.length;
                int keep = Math.max(1, (int) Math.ceil(densities[i] * size));
                int top = Math.min((int) Math.floor(gamma * size), size - keep);
                double lower = descending[top + keep - 1];
                double upper = top > 0 ? descending[top - 1] : Double.POSITIVE_INFINITY;
                kept[i] = Arrays.stream(v)
                        .map(x -> Math.abs(x) >= lower && Math.abs(x) < upper ? x : 0)
                        .toArray();
            }
            ReferenceMerges.addBack(out, base, group, combine(kept, w, c), 1.0);
        }
        return out;
    }

    /**
     * DELLA MagPrune per row (last dimension): the entry of ascending-magnitude rank r of a row of length L survives
     * with p = ρ − ε + 2ε·r/(L−1) and is divided by p; then combined.
     */
    static Map<String, double[]> della(
            Map<String, double[]> base,
            List<Map<String, double[]>> models,
            double[] w,
            Map<String, Long> rowLengths,
            long seed,
            double density,
            double epsilon,
            Combine c) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int n = models.size();
        DropMask mask = new DropMask(seed);
        for (String name : base.keySet()) {
            double[] b = base.get(name);
            int row = (int) (long) rowLengths.get(name);
            double[][] kept = new double[n][b.length];
            for (int i = 0; i < n; i++) {
                double[] v = ReferenceMerges.taskVector(b, models.get(i).get(name));
                long stream = mask.stream(i, name);
                for (int start = 0; start < v.length; start += row) {
                    Integer[] order = new Integer[row];
                    for (int k = 0; k < row; k++) {
                        order[k] = k;
                    }
                    int s = start;
                    Arrays.sort(order, (x, y) -> {
                        int byMagnitude = Double.compare(Math.abs(v[s + x]), Math.abs(v[s + y]));
                        return byMagnitude != 0 ? byMagnitude : Integer.compare(x, y);
                    });
                    for (int r = 0; r < row; r++) {
                        int j = start + order[r];
                        double p = row == 1 ? density : density - epsilon + 2 * epsilon * r / (row - 1);
                        kept[i][j] = mask.uniform(stream, j) < p ? v[j] / p : 0;
                    }
                }
            }
            double[] merged = combine(kept, w, c);
            double[] r = new double[b.length];
            for (int j = 0; j < r.length; j++) {
                r[j] = b[j] + merged[j];
            }
            out.put(name, r);
        }
        return out;
    }

    /** Model Stock per tensor: θ0 + t·mean(V_i), t = N cosθ / (1 + (N−1) cosθ), cosθ the mean pairwise cosine. */
    static Map<String, double[]> modelStock(Map<String, double[]> base, List<Map<String, double[]>> models) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int n = models.size();
        for (String name : base.keySet()) {
            double[] b = base.get(name);
            double[][] v = new double[n][];
            for (int i = 0; i < n; i++) {
                v[i] = ReferenceMerges.taskVector(b, models.get(i).get(name));
            }
            double cos = 0;
            int pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double norms = Math.max(ReferenceMerges.norm(v[i]) * ReferenceMerges.norm(v[j]), 1e-6);
                    cos += Math.max(-1, Math.min(1, ReferenceMerges.dot(v[i], v[j]) / norms));
                    pairs++;
                }
            }
            cos /= pairs;
            double denominator = 1 + (n - 1) * cos;
            double t = denominator <= 0 ? 0 : n * cos / denominator;
            double[] r = new double[b.length];
            for (int j = 0; j < r.length; j++) {
                double mean = 0;
                for (double[] x : v) {
                    mean += x[j] / n;
                }
                r[j] = b[j] + t * mean;
            }
            out.put(name, r);
        }
        return out;
    }

    /**
     * Multi-SLERP per tensor, on the task vectors: unit vectors u_i = V_i/(‖V_i‖+ε), m̂ = normalised Σ w_i u_i,
     * tangents u_i − ⟨u_i, m̂⟩ m̂, T = Σ w_i tangent_i, result = (m̂ cos‖T‖ + T sin‖T‖/‖T‖)·Σ w_i‖V_i‖, ‖T‖ with +ε;
     * the weighted sum where ‖Σ w_i u_i‖ < ε. Weights normalised to sum 1 when asked.
     */
    static Map<String, double[]> multislerp(
            Map<String, double[]> base, List<Map<String, double[]>> models, double[] weights, boolean normalize) {
        double eps = 1e-8;
        int n = models.size();
        double[] w = weights.clone();
        if (normalize) {
            double sum = Arrays.stream(w).sum();
            for (int i = 0; i < n; i++) {
                w[i] /= sum;
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : base.keySet()) {
            double[] b = base.get(name);
            double[][] v = new double[n][];
            double[][] u = new double[n][];
            double avgNorm = 0;
            for (int i = 0; i < n; i++) {
                v[i] = ReferenceMerges.taskVector(b, models.get(i).get(name));
                double norm = ReferenceMerges.norm(v[i]);
                avgNorm += w[i] * norm;
                u[i] = Arrays.stream(v[i]).map(x -> x / (norm + eps)).toArray();
            }
            double[] mean = new double[b.length];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += w[i] * u[i][j];
                }
            }
            double meanNorm = ReferenceMerges.norm(mean);
            double[] r = new double[b.length];
            if (n == 1) {
                r = v[0];
            } else if (meanNorm < eps) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < r.length; j++) {
                        r[j] += w[i] * v[i][j];
                    }
                }
            } else {
                double[] m = Arrays.stream(mean).map(x -> x / meanNorm).toArray();
                double[] tangent = new double[b.length];
                for (int i = 0; i < n; i++) {
                    double dot = ReferenceMerges.dot(u[i], m);
                    for (int j = 0; j < tangent.length; j++) {
                        tangent[j] += w[i] * (u[i][j] - dot * m[j]);
                    }
                }
                double tn = ReferenceMerges.norm(tangent) + eps;
                for (int j = 0; j < r.length; j++) {
                    r[j] = (m[j] * Math.cos(tn) + tangent[j] * Math.sin(tn) / tn) * avgNorm;
                }
            }
            double[] merged = new double[b.length];
            for (int j = 0; j < merged.length; j++) {
                merged[j] = b[j] + r[j];
            }
            out.put(name, merged);
        }
        return out;
    }

    /**
     * Karcher mean per tensor of the models' own values (mergekit's karcher_merge_tensors): units of the tensors with
     * norm > tol, start at the normalised weighted mean, iterate u ← exp_u(Σ a_i log_u(u_i)), scale by Σ α_i ‖θ_i‖.
     */
    static Map<String, double[]> karcher(List<Map<String, double[]>> models, double[] alpha, int maxIter, double tol) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int n = models.size();
        for (String name : models.getFirst().keySet()) {
            double[][] x = new double[n][];
            double[] norms = new double[n];
            double scale = 0;
            for (int i = 0; i < n; i++) {
                x[i] = Arrays.stream(models.get(i).get(name))
                        .map(v -> (float) v)
                        .toArray();
                norms[i] = ReferenceMerges.norm(x[i]);
                scale += alpha[i] * norms[i];
            }
            int size = x[0].length;
            double validSum = 0;
            for (int i = 0; i < n; i++) {
                validSum += norms[i] > tol ? alpha[i] : 0;
            }
            double[] u = new double[size];
            int firstValid = -1;
            for (int i = 0; i < n; i++) {
                if (norms[i] > tol) {
                    firstValid = firstValid < 0 ? i : firstValid;
                    for (int j = 0; j < size; j++) {
                        u[j] += alpha[i] / validSum * x[i][j] / norms[i];
                    }
                }
            }
            double normU = ReferenceMerges.norm(u);
            int first = firstValid;
            u = normU < tol
                    ? Arrays.stream(x[first]).map(v -> v / norms[first]).toArray()
                    : Arrays.stream(u).map(v -> v / normU).toArray();
            for (int iteration = 0; iteration < maxIter; iteration++) {
                double[] t = new double[size];
                for (int i = 0; i < n; i++) {
                    if (norms[i] <= tol) {
                        continue;
                    }
                    double[] ui = new double[size];
                    for (int j = 0; j < size; j++) {
                        ui[j] = x[i][j] / norms[i];
                    }
                    double dot = Math.max(-1, Math.min(1, ReferenceMerges.dot(u, ui)));
                    double theta = Math.acos(dot);
                    if (theta < tol) {
                        continue;
                    }
                    for (int j = 0; j < size; j++) {
                        t[j] += alpha[i] / validSum * theta / Math.sin(theta) * (ui[j] - dot * u[j]);
                    }
                }
                double normT = ReferenceMerges.norm(t);
                if (normT < tol) {
                    break;
                }
                for (int j = 0; j < size; j++) {
                    u[j] = Math.cos(normT) * u[j] + Math.sin(normT) * t[j] / normT;
                }
                double length = ReferenceMerges.norm(u);
                if (length > tol) {
                    for (int j = 0; j < size; j++) {
                        u[j] /= length;
                    }
                }
            }
            double[] r = new double[size];
            for (int j = 0; j < size; j++) {
                r[j] = scale * u[j];
            }
            out.put(name, n == 1 ? x[0] : r);
        }
        return out;
    }
}
