package io.embedmerge.merge.execution;

import io.embedmerge.merge.MergeTensor;
import io.embedmerge.merge.NonFiniteValueException;
import io.embedmerge.tensor.DType;

/**
 * Checks a range of a chunk for values that are not finite, while the chunk is still in cache: the inputs before
 * they are merged, the merged values against the largest magnitude the output dtype can hold (a finite float32
 * above 65519.996 becomes +Inf when written as f16).
 */
final class FiniteGuard {

    private FiniteGuard() {}

    /** Largest float32 magnitude that stays finite once rounded (to nearest even) to {@code dtype}. */
    static float limit(DType dtype) {
        return switch (dtype) {
            case F16 -> Math.nextDown(65520f);
            case BF16 -> Float.intBitsToFloat(0x7F7F7FFF);
            default -> Float.MAX_VALUE;
        };
    }

    static void checkInputs(MergeTensor tensor, long first, float[] base, float[][] models, int from, int to) {
        check(base, from, to, Float.MAX_VALUE, j -> input("the base", tensor, first + j, base[j]));
        for (int i = 0; i < models.length; i++) {
            float[] m = models[i];
            String model = "models[" + i + "]";
            check(m, from, to, Float.MAX_VALUE, j -> input(model, tensor, first + j, m[j]));
        }
    }

    /** One input's values, {@code who} naming it ("the base", "models[1]"). */
    static void checkInput(String who, MergeTensor tensor, long first, float[] values, int from, int to) {
        check(values, from, to, Float.MAX_VALUE, j -> input(who, tensor, first + j, values[j]));
    }

    static void checkOutput(MergeTensor tensor, DType dtype, long first, float[] out, int from, int to) {
        float limit = limit(dtype);
        check(
                out,
                from,
                to,
                limit,
                j -> new NonFiniteValueException(
                        NonFiniteValueException.Where.OUTPUT,
                        "merged tensor '" + tensor.name() + "' would hold " + describe(out[j], dtype) + " at element "
                                + (first + j)
                                + "; nothing was published (lower lambda or the weights, or check the inputs)"));
    }

    private static NonFiniteValueException input(String model, MergeTensor tensor, long element, float value) {
        return new NonFiniteValueException(
                NonFiniteValueException.Where.INPUT,
                model + " has " + value
                        + " in tensor '" + tensor.name() + "' at element " + element
                        + "; set \"allowNonFinite\": true on the request to merge it anyway");
    }

    private static String describe(float value, DType dtype) {
        return Float.isFinite(value) ? value + ", which overflows " + dtype : String.valueOf(value);
    }

    @FunctionalInterface
    private interface Failure {
        NonFiniteValueException at(int index);
    }

    private static void check(float[] values, int from, int to, float limit, Failure failure) {
        // a max-reduction first pass, which the JIT vectorises (about 5× faster than and-ing comparisons): Math.max
        // returns NaN when either argument is NaN, and NaN <= limit is false; the position is searched only when
        // something is wrong
        float largest = 0;
        for (int j = from; j < to; j++) {
            largest = Math.max(largest, Math.abs(values[j]));
        }
        if (largest <= limit) {
            return;
        }
        for (int j = from; j < to; j++) {
            if (!(Math.abs(values[j]) <= limit)) {
                throw failure.at(j);
            }
        }
    }
}
