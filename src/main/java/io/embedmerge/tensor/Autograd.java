package io.embedmerge.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Reverse-mode gradients for one job's parameters. DJL's GradientCollector is process-wide: only one may be open
 * at a time (a second job computing gradients on another worker thread fails), and its zeroGradients() rewrites
 * every gradient in the process as g - g, which touches other jobs' tensors and leaves NaN wherever g was infinite.
 * PyTorch's grad mode is per thread, so this class switches it for the calling thread only and zeroes exactly the
 * parameters it is given.
 */
public final class Autograd {

    private Autograd() {}

    /**
     * Zeroes the parameters' gradients, builds {@code loss} with grad mode on, back-propagates it, and returns its
     * value; afterwards each parameter's {@code getGradient()} holds ∂loss/∂parameter.
     */
    public static double gradients(Collection<NDArray> parameters, Supplier<NDArray> loss) {
        parameters.forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDArray value = loss.get();
                NDArray seed = value.onesLike()) {
            JniUtils.backward((PtNDArray) value, (PtNDArray) seed, false, false);
            try (NDArray wide = value.toType(DataType.FLOAT64, false)) {
                return wide.getDouble();
            }
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /**
     * The parameter's gradient, or null when no loss since its creation has read it (PyTorch's grad is undefined;
     * DJL's getGradient() would return zeros, hiding the difference).
     */
    public static NDArray gradientOrNull(NDArray parameter) {
        return JniUtils.getGradient((PtNDArray) parameter);
    }

    /** Runs in-place updates of parameters that require gradients (PyTorch refuses them in grad mode). */
    public static void withoutGradients(Runnable update) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            update.run();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }
}
