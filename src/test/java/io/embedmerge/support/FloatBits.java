package io.embedmerge.support;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian layouts for reading raw tensor bytes in tests. */
public final class FloatBits {

    public static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FloatBits() {}
}
