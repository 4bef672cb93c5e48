package io.embedmerge.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.embedmerge.eval.StsData;
import io.embedmerge.eval.StsEvaluation;
import io.embedmerge.eval.StsPair;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.model.BuiltinModel;
import io.embedmerge.model.ImportedTokenizer;
import io.embedmerge.model.SentenceTransformersFiles;
import io.embedmerge.model.TokenizerFiles;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.storage.DirectFolder;
import io.embedmerge.support.TestData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * bge-small-zh-v1.5 imported with the bundled (cased) tokenizer and with the lower-casing one the import writes:
 * [UNK] counts and STS score (cosine Spearman × 100) on the built-in Chinese STS-B test split, batch 32.
 * <pre>./mvnw -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.embedmerge.bench.BgeCasingBench</pre>
 */
public final class BgeCasingBench {

    private BgeCasingBench() {}

    public static void main(String[] args) throws Exception {
        BuiltinModel model = BuiltinModel.BGE_SMALL_ZH_V15;
        Path dir = Files.createTempDirectory("bge-casing");
        Path onnx = copy(model.onnxResource(), dir);
        Path tokenizer = copy(model.tokenizerResource(), dir);
        List<StsPair> pairs = StsData.read(TestData.path("stsb-zh-test"));
        LinkedHashSet<String> sentences = new LinkedHashSet<>();
        pairs.forEach(p -> {
            sentences.add(p.sentence1());
            sentences.add(p.sentence2());
        });
        System.out.printf("stsb-zh-test: %d pairs, %d sentences%n", pairs.size(), sentences.size());

        ImportedTokenizer bundled = ImportedTokenizer.read(tokenizer).truncatedAt(model.maxSeqLength());
        for (var variant : List.of(
                Map.entry("cased (bundled tokenizer.json)", bundled),
                Map.entry("lower-cased (as imported)", bundled.lowercased()))) {
            Path checkpoint = dir.resolve("bge-"
                    + variant.getValue().bertNormalization().orElseThrow().lowercase());
            try (BertOnnxImport imported = BertOnnxImport.read(onnx)) {
                DirectFolder output = new DirectFolder(checkpoint);
                imported.write(output);
                TokenizerFiles.write(output, variant.getValue(), model.maxSeqLength());
                SentenceTransformersFiles.write(
                        output,
                        model.pooling(),
                        model.maxSeqLength(),
                        imported.config().hiddenSize());
            }
            int unknown = 0;
            int withUnknown = 0;
            try (HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(
                    checkpoint.resolve("tokenizer.json"), Map.of("padding", "false", "truncation", "false"))) {
                for (String s : sentences) {
                    long n = java.util.Arrays.stream(t.encode(s).getIds())
                            .filter(id -> id == 100)
                            .count();
                    unknown += (int) n;
                    withUnknown += n > 0 ? 1 : 0;
                }
            }
            double score;
            try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
                score = StsEvaluation.cosineSpearman(pairs, s -> encoder.encode(s, 32));
            }
            System.out.printf(
                    "%-32s [UNK] tokens %d in %d sentences, cosine Spearman × 100 = %.2f%n",
                    variant.getKey(), unknown, withUnknown, score);
        }
    }

    private static Path copy(String resource, Path dir) throws Exception {
        Path file = dir.resolve(resource.substring(1));
        try (InputStream in = BgeCasingBench.class.getResourceAsStream(resource)) {
            Files.copy(in, file);
        }
        return file;
    }
}
