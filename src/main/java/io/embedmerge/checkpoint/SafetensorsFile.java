package io.embedmerge.checkpoint;

import io.embedmerge.tensor.DType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A safetensors file (see {@link WeightFile} for how it is read). The header is validated strictly, since
 * checkpoints come from untrusted users: every problem is reported as a {@link CheckpointFormatException} naming
 * the file and tensor.
 */
public final class SafetensorsFile extends WeightFile {

    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final JsonMapper HEADER_MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Map<String, String> metadata;

    private SafetensorsFile(
            Path path,
            Arena arena,
            FileChannel channel,
            MemorySegment segment,
            Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        super(path, arena, channel, segment, tensors);
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            Header header = parseHeader(path, segment);
            return new SafetensorsFile(path, arena, channel, segment, header.tensors, header.metadata);
        } catch (IOException e) {
            closeQuietly(channel, arena);
            throw new CheckpointFormatException("cannot read " + path.getFileName() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel, arena);
            throw e;
        }
    }

    private record Header(Map<String, TensorInfo> tensors, Map<String, String> metadata) {}

    private static Header parseHeader(Path path, MemorySegment segment) {
        String file = path.getFileName().toString();
        long size = segment.byteSize();
        if (size < 8) {
            throw new CheckpointFormatException(file + ": too short for a safetensors header (" + size + " bytes)");
        }
        long headerLength = segment.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(file + ": header length " + Long.toUnsignedString(headerLength)
                    + " is outside 2.." + MAX_HEADER_BYTES + " bytes");
        }
        if (8 + headerLength > size) {
            throw new CheckpointFormatException(
                    file + ": header length " + headerLength + " runs past the end of the file (" + size + " bytes)");
        }
        byte[] bytes = segment.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root;
        try {
            root = HEADER_MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new CheckpointFormatException(file + ": header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(file + ": header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> list = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String name = entry.getKey();
            JsonNode node = entry.getValue();
            if (name.equals("__metadata__")) {
                if (!node.isObject()) {
                    throw new CheckpointFormatException(file + ": __metadata__ must be an object of strings");
                }
                for (Map.Entry<String, JsonNode> m : node.properties()) {
                    if (!m.getValue().isString()) {
                        throw new CheckpointFormatException(
                                file + ": __metadata__ value '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().stringValue());
                }
                continue;
            }
            list.add(parseTensor(file, name, node, dataStart, dataSize));
        }
        checkNoOverlap(file, list);
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        list.forEach(t -> byName.put(t.name(), t));
        return new Header(Collections.unmodifiableMap(byName), Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo parseTensor(String file, String name, JsonNode node, long dataStart, long dataSize) {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new CheckpointFormatException(where + " is not an object");
        }
        JsonNode dtypeNode = node.path("dtype");
        String dtypeName = dtypeNode.isString() ? dtypeNode.stringValue() : dtypeNode.toString();
        DType dtype = DType.parse(dtypeName)
                .orElseThrow(() -> new CheckpointFormatException(where + " has unknown dtype '" + dtypeName + "'"));
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointFormatException(where + " needs a 'shape' array and a two-element 'data_offsets'");
        }
        List<Long> shape = new ArrayList<>();
        long elements = 1;
        for (JsonNode d : shapeNode) {
            if (!isLong(d) || d.asLong() < 0) {
                throw new CheckpointFormatException(where + " has an invalid dimension " + d);
            }
            shape.add(d.asLong());
            try {
                elements = Math.multiplyExact(elements, d.asLong());
            } catch (ArithmeticException e) {
                throw new CheckpointFormatException(where + " has a shape whose size overflows");
            }
        }
        if (!isLong(offsets.get(0)) || !isLong(offsets.get(1))) {
            throw new CheckpointFormatException(
                    where + " has data_offsets " + offsets + " that are not integers within 0..2^63-1");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new CheckpointFormatException(where + " has data_offsets [" + begin + ", " + end
                    + "] outside the data section of " + dataSize + " bytes");
        }
        long expected;
        try {
            expected = Math.multiplyExact(elements, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(where + " has a shape whose byte size overflows");
        }
        if (end - begin != expected) {
            throw new CheckpointFormatException(where + " has " + (end - begin) + " bytes but shape " + shape + " of "
                    + dtype + " needs " + expected);
        }
        return new TensorInfo(name, dtype, shape, dataStart + begin, dataStart + end);
    }

    /** An integer that fits a long: asLong() on a larger one throws rather than answering. */
    private static boolean isLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong();
    }

    private static void checkNoOverlap(String file, List<TensorInfo> list) {
        List<TensorInfo> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.begin() < prev.end() && cur.byteSize() > 0 && prev.byteSize() > 0) {
                throw new CheckpointFormatException(
                        file + ": tensors '" + prev.name() + "' and '" + cur.name() + "' overlap");
            }
        }
    }

    public Map<String, String> metadata() {
        return metadata;
    }
}
