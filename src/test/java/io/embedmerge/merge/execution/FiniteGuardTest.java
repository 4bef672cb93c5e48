package io.embedmerge.merge.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.NonFiniteValueException;
import io.embedmerge.tensor.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vectorised check finds every kind of non-finite value wherever it sits in a block, and names its element. */
class FiniteGuardTest {

    private static final int BLOCK = 8192 + 13;
    private static final MergeTensor TENSOR = new MergeTensor(0, "t", List.of((long) BLOCK), BLOCK);

    private static float[] finiteValues() {
        Random random = new Random(3);
        float[] values = new float[BLOCK];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) (random.nextGaussian() * 0.05);
        }
        values[7] = -0.0f;
        values[8] = Float.MIN_VALUE;
        values[9] = -Float.MAX_VALUE;
        return values;
    }

    @Test
    void finiteValuesPassEveryDtypeUpToItsLimit() {
        float[] values = finiteValues();
        assertThatCode(() -> FiniteGuard.checkInput("the base", TENSOR, 0, values, 0, BLOCK))
                .doesNotThrowAnyException();
        float[] small = finiteValues();
        small[9] = Math.nextDown(65520f); // the largest float32 that rounds to a finite f16
        small[10] = -Math.nextDown(65520f);
        assertThatCode(() -> FiniteGuard.checkOutput(TENSOR, DType.F16, 0, small, 0, BLOCK))
                .doesNotThrowAnyException();
    }

    @Test
    void everyNonFiniteKindIsFoundAtEveryPosition() {
        float[] kinds = {
            Float.NaN,
            Float.intBitsToFloat(0xFFC00001),
            Float.intBitsToFloat(0x7F800001),
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY
        };
        int[] positions = {0, 1, 15, 4096, BLOCK - 14, BLOCK - 1};
        for (float kind : kinds) {
            for (int at : positions) {
                float[] values = finiteValues();
                values[at] = kind;
                assertThatThrownBy(() -> FiniteGuard.checkInput("models[2]", TENSOR, 1000, values, 0, BLOCK))
                        .as("%s at %d", kind, at)
                        .isInstanceOf(NonFiniteValueException.class)
                        .hasMessageContaining("models[2]")
                        .hasMessageContaining("element " + (1000 + at));
            }
        }
    }

    @Test
    void onlyTheCheckedRangeCounts() {
        float[] values = finiteValues();
        values[99] = Float.NaN;
        assertThatCode(() -> FiniteGuard.checkInput("the base", TENSOR, 0, values, 100, BLOCK))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> FiniteGuard.checkInput("the base", TENSOR, 0, values, 99, 100))
                .hasMessageContaining("element 99");
    }

    @Test
    void outputsBeyondTheDtypeRangeAreRefused() {
        for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
            float[] values = finiteValues();
            values[9] = 1f; // -Float.MAX_VALUE is finite as float32 only
            float over = dtype == DType.F16 ? 65520f : Float.intBitsToFloat(0x7F7F8000);
            values[5000] = -over;
            assertThatThrownBy(() -> FiniteGuard.checkOutput(TENSOR, dtype, 0, values, 0, BLOCK))
                    .as(dtype.name())
                    .hasMessageContaining("element 5000")
                    .hasMessageContaining("overflows " + dtype);
        }
        assertThat(FiniteGuard.limit(DType.F32)).isEqualTo(Float.MAX_VALUE);
    }
}
