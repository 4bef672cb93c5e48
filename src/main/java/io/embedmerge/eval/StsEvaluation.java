package io.embedmerge.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * MTEB's main STS score: the Spearman correlation (× 100) between the cosine similarity of the two sentence
 * embeddings and the gold score; ties get their average rank, as scipy's {@code spearmanr}.
 */
public final class StsEvaluation {

    private StsEvaluation() {}

    /** @param encoder embeds a list of sentences, in order */
    public static double cosineSpearman(List<StsPair> pairs, Function<List<String>, float[][]> encoder) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (StsPair p : pairs) {
            index.putIfAbsent(p.sentence1(), index.size());
            index.putIfAbsent(p.sentence2(), index.size());
        }
        float[][] embeddings = encoder.apply(new ArrayList<>(index.keySet()));
        double[] cosine = new double[pairs.size()];
        double[] gold = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            cosine[i] = cosine(
                    embeddings[index.get(pairs.get(i).sentence1())],
                    embeddings[index.get(pairs.get(i).sentence2())]);
            gold[i] = pairs.get(i).score();
        }
        return 100 * spearman(cosine, gold);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    /** 1-based ranks; tied values share the average of their ranks. */
    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[values.length];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = average;
            }
            i = j + 1;
        }
        return ranks;
    }

    static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
