package io.embedmerge.dataset;

import java.util.List;
import java.util.Optional;

/**
 * The datasets inside the jar, under {@code /datasets/} (see the README there for origins and licences). Row counts
 * are checked against the files by a test.
 */
public final class BuiltinDatasets {

    private static final String STSB_LICENCE =
            "Scores CC BY-SA 4.0; texts under their sources' terms " + "(datasets/stsbenchmark/LICENSE.txt)";
    private static final String ZH_LICENCE = "Apache-2.0 (text2vec project)";
    private static final String STS_USE = "evaluation (task sts), probes and train data (pairs above scoreThreshold, "
            + "or every pair with objective cosent)";

    public static final List<BuiltinDataset> ALL = List.of(
            sts(
                    "stsb-en-train",
                    "en",
                    5749,
                    "/datasets/stsbenchmark/sts-train.csv",
                    STSB_LICENCE,
                    "SemEval-2017 STS Benchmark, train split"),
            sts(
                    "stsb-en-dev",
                    "en",
                    1500,
                    "/datasets/stsbenchmark/sts-dev.csv",
                    STSB_LICENCE,
                    "SemEval-2017 STS Benchmark, dev split"),
            sts(
                    "stsb-en-test",
                    "en",
                    1379,
                    "/datasets/stsbenchmark/sts-test.csv",
                    STSB_LICENCE,
                    "SemEval-2017 STS Benchmark, test split"),
            sts(
                    "stsb-zh-train",
                    "zh",
                    5231,
                    "/datasets/stsb-zh/STS-B.train.data",
                    ZH_LICENCE,
                    "STS Benchmark translated to Chinese (text2vec), train split"),
            sts(
                    "stsb-zh-dev",
                    "zh",
                    1458,
                    "/datasets/stsb-zh/STS-B.valid.data",
                    ZH_LICENCE,
                    "STS Benchmark translated to Chinese (text2vec), valid split"),
            sts(
                    "stsb-zh-test",
                    "zh",
                    1361,
                    "/datasets/stsb-zh/STS-B.test.data",
                    ZH_LICENCE,
                    "STS Benchmark translated to Chinese (text2vec), test split"),
            new BuiltinDataset(
                    "zh-retrieval-pairs",
                    BuiltinDataset.SCHEME + "zh-retrieval-pairs",
                    "pairs-jsonl",
                    "zh",
                    2701,
                    "probes and train data (query, positive and hard negatives)",
                    ZH_LICENCE,
                    "text2vec: queries from STS-B (zh) train with mined hard negatives; not held-out evaluation data",
                    "/datasets/zh-retrieval-pairs/pairs.jsonl"));

    private BuiltinDatasets() {}

    private static BuiltinDataset sts(
            String name, String language, int rows, String resource, String licence, String origin) {
        return new BuiltinDataset(
                name, BuiltinDataset.SCHEME + name, "sts-tsv", language, rows, STS_USE, licence, origin, resource);
    }

    public static boolean isBuiltin(String uri) {
        return uri != null && uri.startsWith(BuiltinDataset.SCHEME);
    }

    public static Optional<BuiltinDataset> find(String uri) {
        return ALL.stream().filter(d -> d.uri().equals(uri)).findFirst();
    }

    public static List<String> uris() {
        return ALL.stream().map(BuiltinDataset::uri).toList();
    }
}
