package io.embedmerge.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.embedmerge.model.onnx.BertOnnxImport;
import io.embedmerge.storage.DirectFolder;
import io.embedmerge.support.TestData;
import io.embedmerge.tensor.ComputeDevice;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java encoder on the imported all-MiniLM-L6-v2 checkpoint against ONNX Runtime on the original ONNX model:
 * 100 STS Benchmark sentences, batched with padding on our side, one at a time on ONNX Runtime's; mean pooling
 * and L2 normalisation applied to both. Tolerance 1e-4 per dimension.
 */
class BertEncoderParityTest {

    @TempDir
    Path dir;

    static List<String> stsSentences(int count) throws Exception {
        Set<String> sentences = new LinkedHashSet<>();
        for (String line : Files.readAllLines(TestData.path("stsb-en-test"))) {
            String[] f = line.split("\t");
            if (f.length >= 7) {
                sentences.add(f[5]);
                sentences.add(f[6]);
            }
            if (sentences.size() >= count) {
                break;
            }
        }
        return new ArrayList<>(sentences).subList(0, count);
    }

    private Path extract(String resource) throws Exception {
        Path file = dir.resolve(resource.substring(1));
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, file);
        }
        return file;
    }

    private Path importMiniLm(Path onnx, Path tokenizerFile) throws Exception {
        Path checkpoint = dir.resolve("minilm");
        try (BertOnnxImport imported = BertOnnxImport.read(onnx)) {
            DirectFolder folder = new DirectFolder(checkpoint);
            imported.write(folder);
            Files.copy(tokenizerFile, checkpoint.resolve("tokenizer.json"));
            SentenceTransformersFiles.write(folder, Pooling.MEAN, 256, 384);
        }
        return checkpoint;
    }

    /** The same check on the CPU and, where the engine sees one, on a CUDA device. */
    static List<String> devices() {
        return List.of("cpu", "cuda:0");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("devices")
    void embeddingsMatchOnnxRuntimeWithin1e4(String deviceName) throws Exception {
        Device device = deviceName.equals("cpu") ? Device.cpu() : Device.gpu(0);
        Assumptions.assumeTrue(
                device.isGpu() ? Engine.getEngine("PyTorch").getGpuCount() > 0 : true,
                "no CUDA device visible to the PyTorch engine here: the GPU run of this test is skipped");
        Path onnx = extract("/all-minilm-l6-v2.onnx");
        Path tokenizerFile = extract("/all-minilm-l6-v2-tokenizer.json");
        Path checkpoint = importMiniLm(onnx, tokenizerFile);
        List<String> sentences = stsSentences(100);

        float[][] ours = ComputeDevice.on(device, () -> {
            try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
                return encoder.encode(sentences, 32);
            }
        });
        double worst = maxDifferenceFromOnnxRuntime(onnx, tokenizerFile, sentences, ours, 256);
        System.out.println("encoder parity on " + device + ": max abs difference " + worst);
        assertThat(worst)
                .as("max |difference| over 100 sentences × 384 dimensions")
                .isLessThanOrEqualTo(1e-4);
    }

    /** A training limit of 8 tokens gives ONNX Runtime's embeddings of the first 8 tokens, not the full sentences'. */
    @Test
    void sequenceLimitTruncatesLikeTheReferenceTokenizer() throws Exception {
        Path onnx = extract("/all-minilm-l6-v2.onnx");
        Path tokenizerFile = extract("/all-minilm-l6-v2-tokenizer.json");
        Path checkpoint = importMiniLm(onnx, tokenizerFile);
        List<String> sentences = stsSentences(200).stream()
                .filter(s -> s.split(" ").length > 8)
                .limit(20)
                .toList();
        assertThat(sentences).isNotEmpty();

        float[][] truncated;
        float[][] full;
        try (BertEncoder encoder = BertEncoder.load(checkpoint)) {
            full = encoder.encode(sentences, 8);
            encoder.limitSequenceLength(8);
            truncated = encoder.encode(sentences, 8);
        }
        assertThat(maxDifferenceFromOnnxRuntime(onnx, tokenizerFile, sentences, truncated, 8))
                .isLessThanOrEqualTo(1e-4);
        assertThat(maxDifferenceFromOnnxRuntime(onnx, tokenizerFile, sentences, full, 8))
                .as("the untruncated embeddings differ from the 8-token reference")
                .isGreaterThan(1e-2);
    }

    private static double maxDifferenceFromOnnxRuntime(
            Path onnx, Path tokenizerFile, List<String> sentences, float[][] ours, int maxLength) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
                HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                        tokenizerFile, Map.of("maxLength", String.valueOf(maxLength), "truncation", "true"))) {
            double worst = 0;
            for (int s = 0; s < sentences.size(); s++) {
                Encoding e = tokenizer.encode(sentences.get(s));
                long[] ids = e.getIds();
                long[][] shape = {ids};
                try (OnnxTensor inputIds = OnnxTensor.createTensor(env, shape);
                        OnnxTensor mask = OnnxTensor.createTensor(env, new long[][] {e.getAttentionMask()});
                        OnnxTensor types = OnnxTensor.createTensor(env, new long[][] {e.getTypeIds()});
                        OrtSession.Result result = session.run(
                                Map.of("input_ids", inputIds, "attention_mask", mask, "token_type_ids", types))) {
                    float[][][] tokens = (float[][][]) result.get(0).getValue();
                    float[] reference = meanPoolAndNormalize(tokens[0]);
                    for (int d = 0; d < reference.length; d++) {
                        worst = Math.max(worst, Math.abs(reference[d] - ours[s][d]));
                    }
                }
            }
            return worst;
        }
    }

    private static float[] meanPoolAndNormalize(float[][] tokens) {
        double[] sum = new double[tokens[0].length];
        for (float[] token : tokens) {
            for (int d = 0; d < sum.length; d++) {
                sum[d] += token[d];
            }
        }
        double norm = 0;
        for (int d = 0; d < sum.length; d++) {
            sum[d] /= tokens.length;
            norm += sum[d] * sum[d];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            out[d] = (float) (sum[d] / norm);
        }
        return out;
    }
}
