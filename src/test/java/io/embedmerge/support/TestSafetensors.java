package io.embedmerge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately simple safetensors reader/writer for tests, written from the format description and sharing no
 * code with the service, so that tests check the service against an independent implementation.
 */
public final class TestSafetensors {

    private static final tools.jackson.databind.json.JsonMapper JSON =
            tools.jackson.databind.json.JsonMapper.builder().build();

    /** A tensor held as float64 values (for floating dtypes) or raw longs (for I64). */
    public record Tensor(String dtype, long[] shape, double[] values, long[] longs) {
        public static Tensor floating(String dtype, long[] shape, double[] values) {
            return new Tensor(dtype, shape, values, null);
        }

        public static Tensor int64(long[] shape, long[] values) {
            return new Tensor("I64", shape, null, values);
        }

        public int size() {
            return values != null ? values.length : longs.length;
        }
    }

    private TestSafetensors() {}

    /** Writes the tensors in map order; floating values are rounded to the dtype with round-half-even. */
    public static void write(Path file, Map<String, Tensor> tensors) {
        Map<String, Object> header = new LinkedHashMap<>();
        long offset = 0;
        for (var e : tensors.entrySet()) {
            long bytes = (long) e.getValue().size() * width(e.getValue().dtype());
            header.put(
                    e.getKey(),
                    Map.of(
                            "dtype",
                            e.getValue().dtype(),
                            "shape",
                            e.getValue().shape(),
                            "data_offsets",
                            List.of(offset, offset + bytes)));
            offset += bytes;
        }
        String text = JSON.writeValueAsString(header);
        byte[] json = (text + " ".repeat((8 - text.getBytes(StandardCharsets.UTF_8).length % 8) % 8))
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json);
        for (Tensor t : tensors.values()) {
            for (int i = 0; i < t.size(); i++) {
                switch (t.dtype()) {
                    case "F32" -> buf.putFloat((float) t.values()[i]);
                    case "F64" -> buf.putDouble(t.values()[i]);
                    case "F16" -> buf.putShort(Rounding.toF16Bits(t.values()[i]));
                    case "BF16" -> buf.putShort(Rounding.toBf16Bits(t.values()[i]));
                    case "I64" -> buf.putLong(t.longs()[i]);
                    default -> throw new IllegalArgumentException(t.dtype());
                }
            }
        }
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, buf.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads every tensor, decoding floating ones to float64. Also checks the header padding rule. */
    public static Map<String, Tensor> read(Path file) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = (int) buf.getLong();
            if (headerLength % 8 != 0) {
                throw new AssertionError("header length " + headerLength + " is not a multiple of 8");
            }
            String json = new String(buf.array(), 8, headerLength, StandardCharsets.UTF_8);
            Map<String, Map<String, Object>> header =
                    JSON.readValue(json.trim(), new tools.jackson.core.type.TypeReference<>() {});
            Map<String, Tensor> result = new LinkedHashMap<>();
            for (var e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                String dtype = (String) e.getValue().get("dtype");
                @SuppressWarnings("unchecked")
                List<Number> shapeList = (List<Number>) e.getValue().get("shape");
                @SuppressWarnings("unchecked")
                List<Number> offsets = (List<Number>) e.getValue().get("data_offsets");
                long[] shape = shapeList.stream().mapToLong(Number::longValue).toArray();
                int start = 8 + headerLength + offsets.get(0).intValue();
                int count = (offsets.get(1).intValue() - offsets.get(0).intValue()) / width(dtype);
                ByteBuffer data = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(start);
                if (dtype.equals("I64")) {
                    long[] longs = new long[count];
                    for (int i = 0; i < count; i++) {
                        longs[i] = data.getLong();
                    }
                    result.put(e.getKey(), Tensor.int64(shape, longs));
                    continue;
                }
                double[] values = new double[count];
                for (int i = 0; i < count; i++) {
                    values[i] = switch (dtype) {
                        case "F32" -> data.getFloat();
                        case "F64" -> data.getDouble();
                        case "F16" -> Rounding.fromF16Bits(data.getShort());
                        case "BF16" -> Float.intBitsToFloat((data.getShort() & 0xFFFF) << 16);
                        default -> throw new IllegalArgumentException(dtype);
                    };
                }
                result.put(e.getKey(), Tensor.floating(dtype, shape, values));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code __metadata__} object of a file. */
    public static Map<String, Object> metadata(Path file) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = (int) buf.getLong();
            Map<String, Object> header = JSON.readValue(
                    new String(buf.array(), 8, headerLength, StandardCharsets.UTF_8).trim(),
                    new tools.jackson.core.type.TypeReference<>() {});
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = (Map<String, Object>) header.get("__metadata__");
            return meta;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int width(String dtype) {
        return switch (dtype) {
            case "F16", "BF16" -> 2;
            case "F32" -> 4;
            case "F64", "I64" -> 8;
            default -> throw new IllegalArgumentException(dtype);
        };
    }
}
