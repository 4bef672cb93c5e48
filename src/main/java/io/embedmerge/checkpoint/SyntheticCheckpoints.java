package io.embedmerge.checkpoint;

import io.embedmerge.tensor.DType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes BERT-shaped checkpoint folders with random weights: a base (std 0.02) and fine-tuned variants (base plus
 * noise of std 0.002), for demos and benchmarks where no real model is at hand. Values are uniform with those
 * standard deviations (cheaper to draw than Gaussians at billions of values). They merge like real ones but do not
 * encode text (there is no tokenizer).
 */
public final class SyntheticCheckpoints {

    /** Size of the BERT-shaped model. bert-base is (12, 768, 3072, 30522); a tiny demo is (2, 64, 256, 1000). */
    public record Shape(int layers, int hidden, int intermediate, int vocab) {}

    private SyntheticCheckpoints() {}

    /** Writes {@code base/} and {@code model-1/} .. {@code model-N/} under {@code root}. */
    public static void write(Path root, Shape shape, DType dtype, int models, long seed) {
        List<Runnable> jobs = new ArrayList<>();
        jobs.add(() -> writeOne(root.resolve("base"), shape, dtype, seed, 0, 0f));
        for (int i = 1; i <= models; i++) {
            int model = i;
            jobs.add(() -> writeOne(root.resolve("model-" + model), shape, dtype, seed, seed * 31 + model, 0.002f));
        }
        jobs.parallelStream().forEach(Runnable::run);
    }

    /** Parameters of the floating tensors of a shape. */
    public static long parameterCount(Shape shape) {
        return layout(shape, DType.F32).stream()
                .filter(t -> t.dtype() == DType.F32)
                .mapToLong(TensorSpec::elementCount)
                .sum();
    }

    public static List<TensorSpec> layout(Shape s, DType dtype) {
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(new TensorSpec(
                "embeddings.word_embeddings.weight", dtype, List.of((long) s.vocab(), (long) s.hidden())));
        specs.add(new TensorSpec("embeddings.position_embeddings.weight", dtype, List.of(512L, (long) s.hidden())));
        specs.add(new TensorSpec("embeddings.token_type_embeddings.weight", dtype, List.of(2L, (long) s.hidden())));
        specs.add(new TensorSpec("embeddings.LayerNorm.weight", dtype, List.of((long) s.hidden())));
        specs.add(new TensorSpec("embeddings.LayerNorm.bias", dtype, List.of((long) s.hidden())));
        specs.add(new TensorSpec("embeddings.position_ids", DType.I64, List.of(1L, 512L)));
        for (int l = 0; l < s.layers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String m : List.of(
                    "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")) {
                specs.add(new TensorSpec(p + m + ".weight", dtype, List.of((long) s.hidden(), (long) s.hidden())));
                specs.add(new TensorSpec(p + m + ".bias", dtype, List.of((long) s.hidden())));
            }
            specs.add(new TensorSpec(p + "attention.output.LayerNorm.weight", dtype, List.of((long) s.hidden())));
            specs.add(new TensorSpec(p + "attention.output.LayerNorm.bias", dtype, List.of((long) s.hidden())));
            specs.add(new TensorSpec(
                    p + "intermediate.dense.weight", dtype, List.of((long) s.intermediate(), (long) s.hidden())));
            specs.add(new TensorSpec(p + "intermediate.dense.bias", dtype, List.of((long) s.intermediate())));
            specs.add(new TensorSpec(
                    p + "output.dense.weight", dtype, List.of((long) s.hidden(), (long) s.intermediate())));
            specs.add(new TensorSpec(p + "output.dense.bias", dtype, List.of((long) s.hidden())));
            specs.add(new TensorSpec(p + "output.LayerNorm.weight", dtype, List.of((long) s.hidden())));
            specs.add(new TensorSpec(p + "output.LayerNorm.bias", dtype, List.of((long) s.hidden())));
        }
        specs.sort(java.util.Comparator.comparing(TensorSpec::name));
        return specs;
    }

    private static void writeOne(Path folder, Shape shape, DType dtype, long baseSeed, long noiseSeed, float noise) {
        List<TensorSpec> specs = layout(shape, dtype);
        try {
            Files.createDirectories(folder.resolve("1_Pooling"));
            try (OutputStream out =
                    new BufferedOutputStream(Files.newOutputStream(folder.resolve(Checkpoint.SINGLE_FILE)), 1 << 20)) {
                SafetensorsWriter writer = SafetensorsWriter.start(out, specs, Map.of("format", "pt"));
                int t = 0;
                for (TensorSpec spec : specs) {
                    SplittableRandom base = new SplittableRandom(baseSeed * 1_000_003L + t);
                    SplittableRandom delta = new SplittableRandom(noiseSeed * 1_000_003L + t);
                    t++;
                    if (spec.dtype() == DType.I64) {
                        MemorySegment ids = MemorySegment.ofArray(new long[(int) spec.elementCount()]);
                        for (int i = 0; i < spec.elementCount(); i++) {
                            ids.setAtIndex(ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN), i, i);
                        }
                        writer.writeBytes(ids);
                        continue;
                    }
                    boolean layerNormWeight = spec.name().endsWith("LayerNorm.weight");
                    float[] chunk = new float[1 << 16];
                    for (long done = 0; done < spec.elementCount(); ) {
                        int n = (int) Math.min(chunk.length, spec.elementCount() - done);
                        for (int i = 0; i < n; i++) {
                            float value = (float) (layerNormWeight ? 1.0 : 0.02 * uniform(base));
                            chunk[i] = noise == 0f ? value : value + noise * (float) uniform(delta);
                        }
                        writer.writeFloats(chunk, n);
                        done += n;
                    }
                }
                writer.finish();
            }
            Files.writeString(folder.resolve("config.json"), """
                    {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": %d,
                     "num_hidden_layers": %d, "num_attention_heads": %d, "intermediate_size": %d,
                     "vocab_size": %d, "max_position_embeddings": 512, "type_vocab_size": 2,
                     "hidden_act": "gelu", "layer_norm_eps": 1e-12, "torch_dtype": "%s"}
                    """.formatted(
                            shape.hidden(),
                            shape.layers(),
                            Math.max(1, shape.hidden() / 64),
                            shape.intermediate(),
                            shape.vocab(),
                            torchName(dtype)));
            Files.writeString(folder.resolve("modules.json"), """
                    [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                     {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
                    """);
            Files.writeString(
                    folder.resolve("sentence_bert_config.json"),
                    "{\"max_seq_length\": 256, \"do_lower_case\": false}\n");
            Files.writeString(folder.resolve("1_Pooling/config.json"), """
                    {"word_embedding_dimension": %d, "pooling_mode_cls_token": false, "pooling_mode_mean_tokens": true}
                    """.formatted(shape.hidden()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uniform on [−√3, √3): mean 0, standard deviation 1. */
    private static double uniform(SplittableRandom random) {
        return (random.nextDouble() * 2 - 1) * 1.7320508075688772;
    }

    private static String torchName(DType dtype) {
        return switch (dtype) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> "float32";
        };
    }
}
