package io.embedmerge.checkpoint;

import io.embedmerge.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code data.pkl} of a {@code torch.save} state dict without executing anything: a pickle machine that
 * knows only the opcodes of protocols 2–4, OrderedDict, tensor rebuilds and storage classes. Any other global
 * (which a real unpickler would import and call) is refused with an error naming it.
 */
final class RestrictedUnpickler {

    /** A storage persisted outside the pickle, in {@code data/<key>}. */
    record StorageRef(String key, DType dtype) {}

    /** A tensor view on a storage: element offset, shape and strides. */
    record TensorRef(StorageRef storage, long offset, List<Long> shape, List<Long> stride) {}

    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    private static final Object MARK = new Object();
    private static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));
    private static final Set<String> CALLABLES =
            Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter");

    private final ByteBuffer in;
    private final String file;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(byte[] pickle, String file) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.file = file;
    }

    /** The state dict: tensor name → tensor reference, in pickle order. */
    static Map<String, TensorRef> stateDict(byte[] pickle, String file) {
        RestrictedUnpickler unpickler = new RestrictedUnpickler(pickle, file);
        Object result = unpickler.run();
        if (!(result instanceof Map<?, ?> map)) {
            throw unpickler.fail("does not contain a state dict (a mapping of names to tensors)");
        }
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef tensor)) {
                throw unpickler.fail("holds an entry '" + e.getKey() + "' that is not a tensor");
            }
            tensors.put(name, tensor);
        }
        return tensors;
    }

    private CheckpointFormatException fail(String message) {
        return new CheckpointFormatException(file + ": data.pkl " + message);
    }

    private Object run() {
        try {
            while (true) {
                int op = in.get() & 0xFF;
                switch (op) {
                    case 0x80 -> in.get(); // PROTO
                    case 0x95 -> in.getLong(); // FRAME
                    case '.' -> { // STOP
                        return pop();
                    }
                    case '(' -> stack.push(MARK);
                    case ')' -> stack.push(List.of());
                    case '}' -> stack.push(new LinkedHashMap<>());
                    case ']' -> stack.push(new ArrayList<>());
                    case 'N' -> stack.push(NullValue.INSTANCE);
                    case 0x88 -> stack.push(Boolean.TRUE);
                    case 0x89 -> stack.push(Boolean.FALSE);
                    case 'K' -> stack.push((long) (in.get() & 0xFF));
                    case 'M' -> stack.push((long) (in.getShort() & 0xFFFF));
                    case 'J' -> stack.push((long) in.getInt());
                    case 0x8a -> stack.push(long1());
                    case 'G' -> {
                        byte[] bytes = new byte[8];
                        in.get(bytes);
                        stack.push(ByteBuffer.wrap(bytes).getDouble());
                    }
                    case 'X' -> stack.push(string(in.getInt()));
                    case 0x8c -> stack.push(string(in.get() & 0xFF));
                    case 'c' -> stack.push(global(line(), line()));
                    case 0x93 -> {
                        String name = (String) pop();
                        stack.push(global((String) pop(), name));
                    }
                    case 'q' -> memo.put((long) (in.get() & 0xFF), stack.peek());
                    case 'r' -> memo.put(in.getInt() & 0xFFFFFFFFL, stack.peek());
                    case 0x94 -> memo.put((long) memo.size(), stack.peek());
                    case 'h' -> stack.push(memoGet(in.get() & 0xFF));
                    case 'j' -> stack.push(memoGet(in.getInt() & 0xFFFFFFFFL));
                    case 't' -> stack.push(List.copyOf(popToMark()));
                    case 0x85 -> stack.push(List.of(pop()));
                    case 0x86 -> {
                        Object b = pop();
                        stack.push(List.of(pop(), b));
                    }
                    case 0x87 -> {
                        Object c = pop();
                        Object b = pop();
                        stack.push(List.of(pop(), b, c));
                    }
                    case 'a' -> {
                        Object value = pop();
                        list(stack.peek()).add(value);
                    }
                    case 'e' -> {
                        List<Object> items = popToMark();
                        list(stack.peek()).addAll(items);
                    }
                    case 's' -> {
                        Object value = pop();
                        Object key = pop();
                        map(stack.peek()).put(key, value);
                    }
                    case 'u' -> {
                        List<Object> items = popToMark();
                        Map<Object, Object> target = map(stack.peek());
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            target.put(items.get(i), items.get(i + 1));
                        }
                    }
                    case 'Q' -> stack.push(persistent(pop()));
                    case 'R' -> {
                        Object args = pop();
                        stack.push(call(pop(), args));
                    }
                    case 'b' -> {
                        pop(); // BUILD state (OrderedDict metadata)
                        if (!(stack.peek() instanceof Map)) {
                            throw fail("sets state on an object that is not a dict");
                        }
                    }
                    default ->
                        throw fail(String.format("uses pickle opcode 0x%02x, which a state dict does not need", op));
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw fail("ends before its STOP opcode");
        } catch (ClassCastException | java.util.NoSuchElementException e) {
            throw fail("is malformed (" + e.getClass().getSimpleName() + ")");
        }
    }

    private long long1() {
        int n = in.get() & 0xFF;
        if (n > 8) {
            throw fail("holds an integer too large for a tensor index");
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            value |= (long) (in.get() & 0xFF) << (8 * i);
        }
        if (n > 0 && n < 8 && (value & (1L << (8 * n - 1))) != 0) {
            value -= 1L << (8 * n);
        }
        return value;
    }

    private String string(int length) {
        if (length < 0 || length > in.remaining()) {
            throw fail("has a string longer than the file");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String line() {
        StringBuilder s = new StringBuilder();
        for (byte b = in.get(); b != '\n'; b = in.get()) {
            s.append((char) b);
        }
        return s.toString();
    }

    private Global global(String module, String name) {
        Global g = new Global(module, name);
        boolean storage = module.equals("torch") && STORAGES.containsKey(name);
        if (!storage && !CALLABLES.contains(g.qualified())) {
            throw fail("refers to '" + g.qualified() + "', which is not a tensor or storage type; refusing to load "
                    + "it (unpickling it could run code). Convert the checkpoint to safetensors.");
        }
        return g;
    }

    private Object call(Object callable, Object args) {
        if (!(callable instanceof Global g) || !(args instanceof List<?> a)) {
            throw fail("calls something that is not an allowed function");
        }
        return switch (g.qualified()) {
            case "collections.OrderedDict" -> new LinkedHashMap<>();
            case "torch._utils._rebuild_tensor_v2" -> {
                if (a.size() < 4 || !(a.get(0) instanceof StorageRef storage)) {
                    throw fail("rebuilds a tensor without a storage");
                }
                yield new TensorRef(storage, (Long) a.get(1), longs(a.get(2)), longs(a.get(3)));
            }
            case "torch._utils._rebuild_parameter" -> {
                if (a.isEmpty() || !(a.get(0) instanceof TensorRef tensor)) {
                    throw fail("rebuilds a parameter without a tensor");
                }
                yield tensor;
            }
            default -> throw fail("calls '" + g.qualified() + "'");
        };
    }

    private Object persistent(Object pid) {
        if (!(pid instanceof List<?> t)
                || t.size() < 3
                || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof Global type)
                || !STORAGES.containsKey(type.name())) {
            throw fail("has a persistent id that is not a tensor storage");
        }
        return new StorageRef(String.valueOf(t.get(2)), STORAGES.get(type.name()));
    }

    private static List<Long> longs(Object value) {
        List<Long> out = new ArrayList<>();
        for (Object o : (List<?>) value) {
            out.add((Long) o);
        }
        return out;
    }

    private Object memoGet(long key) {
        Object value = memo.get(key);
        if (value == null) {
            throw fail("refers to memo entry " + key + " that was never stored");
        }
        return value;
    }

    private Object pop() {
        Object value = stack.pop();
        if (value == MARK) {
            throw fail("is malformed (unexpected MARK)");
        }
        return value;
    }

    private List<Object> popToMark() {
        List<Object> items = new ArrayList<>();
        while (true) {
            Object value = stack.pop();
            if (value == MARK) {
                break;
            }
            items.add(0, value);
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object value) {
        if (!(value instanceof ArrayList<?>)) {
            throw fail("appends to something that is not a list");
        }
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> map(Object value) {
        if (!(value instanceof LinkedHashMap<?, ?>)) {
            throw fail("sets an item on something that is not a dict");
        }
        return (Map<Object, Object>) value;
    }

    /** Python's None (the stack cannot hold Java nulls). */
    private enum NullValue {
        INSTANCE
    }
}
