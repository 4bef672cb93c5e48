package io.embedmerge.eval;

import io.embedmerge.storage.ConfinedFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Retrieval on the BEIR layout ({@code corpus.jsonl}, {@code queries.jsonl}, {@code qrels/test.tsv}) by exact
 * cosine search over the whole corpus: nDCG@10 (graded gains, as trec_eval), MRR@10 and Recall@100, × 100.
 */
public final class RetrievalEvaluation {

    private RetrievalEvaluation() {}

    public static Score evaluate(Path folder, Function<List<String>, float[][]> encoder) {
        return evaluate(ConfinedFolder.self(folder), encoder);
    }

    public static Score evaluate(ConfinedFolder folder, Function<List<String>, float[][]> encoder) {
        Map<String, String> corpus = new LinkedHashMap<>();
        for (JsonNode doc : lines(folder.file("corpus.jsonl"))) {
            String title = doc.path("title").asString("");
            String text = doc.path("text").asString("");
            corpus.put(doc.path("_id").asString(), title.isEmpty() ? text : title + " " + text);
        }
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode q : lines(folder.file("queries.jsonl"))) {
            queries.put(q.path("_id").asString(), q.path("text").asString());
        }
        Map<String, Map<String, Integer>> qrels = qrels(folder.file("qrels/test.tsv"));
        List<String> docIds = new ArrayList<>(corpus.keySet());
        List<String> queryIds =
                queries.keySet().stream().filter(qrels::containsKey).toList();
        // corpus and queries in one call: the encoder's batch progress then covers the whole evaluation
        List<String> texts = new ArrayList<>(corpus.values());
        queryIds.forEach(id -> texts.add(queries.get(id)));
        float[][] embedded = normalized(encoder.apply(texts));
        float[][] docs = Arrays.copyOfRange(embedded, 0, corpus.size());
        float[][] queryVectors = Arrays.copyOfRange(embedded, corpus.size(), embedded.length);

        double ndcg = 0;
        double mrr = 0;
        double recall = 0;
        for (int q = 0; q < queryIds.size(); q++) {
            int[] ranking = topK(queryVectors[q], docs, 100);
            Map<String, Integer> relevant = qrels.get(queryIds.get(q));
            ndcg += ndcgAt10(ranking, docIds, relevant);
            for (int r = 0; r < Math.min(10, ranking.length); r++) {
                if (relevant.getOrDefault(docIds.get(ranking[r]), 0) > 0) {
                    mrr += 1.0 / (r + 1);
                    break;
                }
            }
            long relevantCount = relevant.values().stream().filter(v -> v > 0).count();
            long found = 0;
            for (int r : ranking) {
                found += relevant.getOrDefault(docIds.get(r), 0) > 0 ? 1 : 0;
            }
            recall += relevantCount == 0 ? 0 : (double) found / relevantCount;
        }
        int n = Math.max(1, queryIds.size());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("ndcg_at_10", 100 * ndcg / n);
        metrics.put("mrr_at_10", 100 * mrr / n);
        metrics.put("recall_at_100", 100 * recall / n);
        return new Score(metrics.get("ndcg_at_10"), metrics);
    }

    static double ndcgAt10(int[] ranking, List<String> docIds, Map<String, Integer> relevant) {
        double dcg = 0;
        for (int r = 0; r < Math.min(10, ranking.length); r++) {
            dcg += relevant.getOrDefault(docIds.get(ranking[r]), 0) / log2(r + 2);
        }
        List<Integer> ideal = relevant.values().stream()
                .filter(v -> v > 0)
                .sorted((a, b) -> b - a)
                .toList();
        double idcg = 0;
        for (int r = 0; r < Math.min(10, ideal.size()); r++) {
            idcg += ideal.get(r) / log2(r + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** Indices of the k highest dot products (ties by lower index first). */
    static int[] topK(float[] query, float[][] docs, int k) {
        int n = Math.min(k, docs.length);
        int[] best = new int[n];
        double[] scores = new double[n];
        int size = 0;
        for (int d = 0; d < docs.length; d++) {
            double s = 0;
            for (int j = 0; j < query.length; j++) {
                s += query[j] * docs[d][j];
            }
            if (size < n || s > scores[size - 1]) {
                int pos = size < n ? size++ : size - 1;
                while (pos > 0 && scores[pos - 1] < s) {
                    scores[pos] = scores[pos - 1];
                    best[pos] = best[pos - 1];
                    pos--;
                }
                scores[pos] = s;
                best[pos] = d;
            }
        }
        return Arrays.copyOf(best, size);
    }

    private static float[][] normalized(float[][] vectors) {
        for (float[] v : vectors) {
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            float inverse = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int j = 0; j < v.length; j++) {
                v[j] *= inverse;
            }
        }
        return vectors;
    }

    private static List<JsonNode> lines(Path file) {
        return JsonLines.read(file, (node, lineNumber) -> node);
    }

    private static Map<String, Map<String, Integer>> qrels(Path file) {
        Map<String, Map<String, Integer>> qrels = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length < 3 || f[0].equals("query-id")) {
                    continue;
                }
                qrels.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], Integer.parseInt(f[2].trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read qrels/test.tsv", e);
        }
        return qrels;
    }
}
