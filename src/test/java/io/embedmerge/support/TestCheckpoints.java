package io.embedmerge.support;

import io.embedmerge.support.TestSafetensors.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** Builds small checkpoint folders with random tensors, keeping the exact stored values for references. */
public final class TestCheckpoints {

    private TestCheckpoints() {}

    /** The layout used by most tests: several shapes and dtypes, plus an integer buffer. */
    public static Map<String, String> mixedLayout() {
        Map<String, String> layout = new LinkedHashMap<>();
        layout.put("embeddings.word_embeddings.weight:F32", "50x16");
        layout.put("embeddings.position_ids:I64", "1x20");
        layout.put("encoder.layer.0.attention.self.query.weight:BF16", "16x16");
        layout.put("encoder.layer.0.attention.self.query.bias:F16", "16");
        layout.put("encoder.layer.0.output.dense.weight:F32", "16x48");
        layout.put("pooler.dense.bias:F32", "16");
        return layout;
    }

    /**
     * A new folder under the storage root with a random checkpoint of the layout; values are those exactly
     * representable in each dtype. Includes config.json and a sentence-transformers pooling config.
     */
    public static Path create(Map<String, String> layout, long seed) {
        Path folder = TestEnvironment.storageRoot()
                .resolve("models")
                .resolve(UUID.randomUUID().toString());
        Random random = new Random(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : layout.entrySet()) {
            String[] nameAndType = e.getKey().split(":");
            long[] shape = java.util.Arrays.stream(e.getValue().split("x"))
                    .mapToLong(Long::parseLong)
                    .toArray();
            int size = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (nameAndType[1].equals("I64")) {
                long[] ids = new long[size];
                for (int i = 0; i < size; i++) {
                    ids[i] = i;
                }
                tensors.put(nameAndType[0], Tensor.int64(shape, ids));
                continue;
            }
            double[] values = new double[size];
            for (int i = 0; i < size; i++) {
                values[i] = representable(nameAndType[1], random.nextGaussian());
            }
            tensors.put(nameAndType[0], Tensor.floating(nameAndType[1], shape, values));
        }
        TestSafetensors.write(folder.resolve("model.safetensors"), tensors);
        try {
            Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\", \"hidden_size\": 16}\n");
            Files.createDirectories(folder.resolve("1_Pooling"));
            Files.writeString(folder.resolve("1_Pooling/config.json"), "{\"pooling_mode_mean_tokens\": true}\n");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return folder;
    }

    /** A checkpoint folder with exactly these tensors (values must be representable in their dtypes). */
    public static Path of(Map<String, Tensor> tensors) {
        Path folder = TestEnvironment.storageRoot()
                .resolve("models")
                .resolve(UUID.randomUUID().toString());
        TestSafetensors.write(folder.resolve("model.safetensors"), tensors);
        try {
            Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\"}\n");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return folder;
    }

    static double representable(String dtype, double value) {
        return switch (dtype) {
            case "F32" -> (float) value;
            case "BF16" -> Float.intBitsToFloat((Rounding.toBf16Bits(value) & 0xFFFF) << 16);
            case "F16" -> Rounding.fromF16Bits(Rounding.toF16Bits(value));
            default -> value;
        };
    }

    public static String uri(Path folder) {
        return folder.toUri().toString();
    }

    /**
     * A copy of checkpoint folder {@code base} in {@code copy} whose floating tensors carry seeded Gaussian noise
     * (σ = 0.01), stored as F32: a stand-in for a fine-tuned model of the same architecture.
     */
    public static Path perturbed(Path base, Path copy, long seed) {
        try (java.util.stream.Stream<Path> files = Files.walk(base)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = copy.resolve(base.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(TestSafetensors.read(base.resolve("model.safetensors")));
        Random random = new Random(seed);
        tensors.replaceAll((name, t) -> {
            if (t.values() == null) {
                return t;
            }
            double[] v = t.values().clone();
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (v[j] + 0.01 * random.nextGaussian());
            }
            return Tensor.floating("F32", t.shape(), v);
        });
        TestSafetensors.write(copy.resolve("model.safetensors"), tensors);
        return copy;
    }
}
