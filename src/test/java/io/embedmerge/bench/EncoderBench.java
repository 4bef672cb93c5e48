package io.embedmerge.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.embedmerge.eval.StsData;
import io.embedmerge.eval.StsPair;
import io.embedmerge.model.BertEncoder;
import io.embedmerge.model.Pooling;
import io.embedmerge.model.SentenceTransformersFiles;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.storage.DirectFolder;
import io.embedmerge.support.TestData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Encoding throughput of the Java encoder against ONNX Runtime on all-MiniLM-L6-v2, same sentences (STS Benchmark
 * test), batch 32, both with length-sorted dynamic padding, same run. Prints sentences per second and the ratio.
 * <pre>./mvnw -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.embedmerge.bench.EncoderBench</pre>
 */
public final class EncoderBench {

    private EncoderBench() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("encoder-bench");
        Path onnx = copy("/all-minilm-l6-v2.onnx", dir);
        Path tokenizerFile = copy("/all-minilm-l6-v2-tokenizer.json", dir);
        Path checkpoint = dir.resolve("minilm");
        try (BertOnnxImport imported = BertOnnxImport.read(onnx)) {
            imported.write(new DirectFolder(checkpoint));
        }
        Files.copy(tokenizerFile, checkpoint.resolve("tokenizer.json"));
        SentenceTransformersFiles.write(new DirectFolder(checkpoint), Pooling.MEAN, 256, 384);

        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (StsPair p : StsData.readTsv(TestData.path("stsb-en-test"))) {
            unique.add(p.sentence1());
            unique.add(p.sentence2());
        }
        List<String> sentences = new ArrayList<>(unique);
        System.out.printf(
                "%d sentences, batch 32, %d cores%n",
                sentences.size(), Runtime.getRuntime().availableProcessors());

        double ours;
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            encoder.encode(sentences.subList(0, 256), 32);
            long t0 = System.nanoTime();
            encoder.encode(sentences, 32);
            ours = sentences.size() / ((System.nanoTime() - t0) / 1e9);
        }
        double reference = onnxRuntime(onnx, tokenizerFile, sentences);
        System.out.printf("java encoder (DJL, PyTorch CPU): %.0f sentences/s%n", ours);
        System.out.printf("ONNX Runtime:                    %.0f sentences/s%n", reference);
        System.out.printf("ratio: %.2f%n", ours / reference);
    }

    private static double onnxRuntime(Path onnx, Path tokenizerFile, List<String> sentences) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                        tokenizerFile, Map.of("maxLength", "256", "truncation", "true"))) {
            run(env, session, tokenizer, sentences.subList(0, 256));
            long t0 = System.nanoTime();
            run(env, session, tokenizer, sentences);
            return sentences.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void run(
            OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, List<String> sentences)
            throws Exception {
        Encoding[] encodings = tokenizer.batchEncode(sentences);
        List<Encoding> sorted = new ArrayList<>(List.of(encodings));
        sorted.sort(Comparator.comparingInt(e -> e.getIds().length));
        for (int start = 0; start < sorted.size(); start += 32) {
            List<Encoding> batch = sorted.subList(start, Math.min(sorted.size(), start + 32));
            int length = batch.stream().mapToInt(e -> e.getIds().length).max().orElse(1);
            long[][] ids = new long[batch.size()][length];
            long[][] mask = new long[batch.size()][length];
            long[][] types = new long[batch.size()][length];
            for (int i = 0; i < batch.size(); i++) {
                long[] tokenIds = batch.get(i).getIds();
                System.arraycopy(tokenIds, 0, ids[i], 0, tokenIds.length);
                for (int j = 0; j < tokenIds.length; j++) {
                    mask[i][j] = 1;
                }
            }
            try (OnnxTensor a = OnnxTensor.createTensor(env, ids);
                    OnnxTensor b = OnnxTensor.createTensor(env, mask);
                    OnnxTensor c = OnnxTensor.createTensor(env, types);
                    OrtSession.Result result =
                            session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
                float[][][] tokens = (float[][][]) result.get(0).getValue();
                if (tokens.length != batch.size()) {
                    throw new IllegalStateException("unexpected output");
                }
            }
        }
    }

    private static Path copy(String resource, Path dir) throws Exception {
        Path file = dir.resolve(resource.substring(1));
        try (InputStream in = EncoderBench.class.getResourceAsStream(resource)) {
            Files.copy(in, file);
        }
        return file;
    }
}
