package io.embedmerge.model.onnx;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an ONNX graph that an import reads: initializers (weights) and nodes with the tensors of their
 * {@code value} attributes (Constant nodes). Tensor data stays in the mapped file.
 */
public record OnnxModel(Map<String, Tensor> initializers, List<Node> nodes) {

    /** ONNX TensorProto data types used here. */
    public static final int FLOAT = 1;

    public static final int INT64 = 7;

    /** A tensor: data type, dimensions, and its little-endian bytes (raw_data or float_data). */
    public record Tensor(String name, int dataType, List<Long> dims, MemorySegment data) {

        public long elementCount() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }

        /** The single value of a scalar (or one-element) float tensor. */
        public float scalar() {
            if (dataType != FLOAT || elementCount() != 1) {
                throw new OnnxFormatException("tensor '" + name + "' is not a float scalar");
            }
            return data.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        }
    }

    public record Node(String name, String opType, List<String> inputs, List<String> outputs, Tensor value) {}

    static OnnxModel parse(MemorySegment file) {
        ProtoReader model = new ProtoReader(file);
        MemorySegment graph = null;
        while (model.next()) {
            if (model.field() == 7 && model.wireType() == ProtoReader.LENGTH_DELIMITED) {
                graph = model.bytes();
            } else {
                model.skip();
            }
        }
        if (graph == null) {
            throw new OnnxFormatException("the file has no graph (not an ONNX model)");
        }
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        List<Node> nodes = new ArrayList<>();
        ProtoReader reader = new ProtoReader(graph);
        while (reader.next()) {
            switch (reader.field()) {
                case 1 -> nodes.add(node(new ProtoReader(reader.bytes())));
                case 5 -> {
                    Tensor t = tensor(new ProtoReader(reader.bytes()));
                    initializers.put(t.name(), t);
                }
                default -> reader.skip();
            }
        }
        return new OnnxModel(initializers, nodes);
    }

    private static Node node(ProtoReader r) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String op = "";
        Tensor value = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> inputs.add(r.string());
                case 2 -> outputs.add(r.string());
                case 3 -> name = r.string();
                case 4 -> op = r.string();
                case 5 -> {
                    Tensor t = attributeTensor(new ProtoReader(r.bytes()));
                    if (t != null) {
                        value = t;
                    }
                }
                default -> r.skip();
            }
        }
        return new Node(name, op, List.copyOf(inputs), List.copyOf(outputs), value);
    }

    /** The {@code t} of an attribute named {@code value}, else null. */
    private static Tensor attributeTensor(ProtoReader r) {
        String name = "";
        Tensor t = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> name = r.string();
                case 5 -> t = tensor(new ProtoReader(r.bytes()));
                default -> r.skip();
            }
        }
        return name.equals("value") ? t : null;
    }

    private static Tensor tensor(ProtoReader r) {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        MemorySegment raw = null;
        MemorySegment floats = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.int64s(dims);
                case 2 -> dataType = (int) r.varint();
                case 4 -> {
                    if (r.wireType() != ProtoReader.LENGTH_DELIMITED) {
                        throw new OnnxFormatException("unpacked float_data is not supported");
                    }
                    floats = r.bytes();
                }
                case 8 -> name = r.string();
                case 9 -> raw = r.bytes();
                case 13 ->
                    throw new OnnxFormatException(
                            "a tensor keeps its data in an external file, which is " + "not supported");
                default -> r.skip();
            }
        }
        MemorySegment data = raw != null ? raw : floats != null ? floats : MemorySegment.NULL;
        return new Tensor(name, dataType, List.copyOf(dims), data);
    }

    /** The node that produces a tensor, if any. */
    public Optional<Node> producerOf(String output) {
        return nodes.stream().filter(n -> n.outputs().contains(output)).findFirst();
    }
}
