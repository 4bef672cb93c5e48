package io.embedmerge.tensor;

import java.util.Arrays;
import java.util.Optional;

/** Element types of the safetensors format. Only the floating types that can be decoded to float32 are mergeable. */
public enum DType {
    BOOL(1, false),
    U8(1, false),
    I8(1, false),
    F8_E5M2(1, false),
    F8_E4M3(1, false),
    I16(2, false),
    U16(2, false),
    F16(2, true),
    BF16(2, true),
    I32(4, false),
    U32(4, false),
    F32(4, true),
    I64(8, false),
    U64(8, false),
    F64(8, true);

    private final int byteSize;
    private final boolean mergeable;

    DType(int byteSize, boolean mergeable) {
        this.byteSize = byteSize;
        this.mergeable = mergeable;
    }

    public int byteSize() {
        return byteSize;
    }

    /** True for floating types this service decodes to float32 and merges; everything else is copied from the base. */
    public boolean mergeable() {
        return mergeable;
    }

    public static Optional<DType> parse(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }
}
