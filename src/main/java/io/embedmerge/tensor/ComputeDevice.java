package io.embedmerge.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * The device the current job's tensors live on. The worker binds it for the duration of a job; encoder, trainer and
 * statistics code create their tensors through {@link #newManager()}. Unbound (tests, tools) it is the CPU.
 */
public final class ComputeDevice {

    private static final ScopedValue<Device> CURRENT = ScopedValue.newInstance();

    private ComputeDevice() {}

    public static Device current() {
        return CURRENT.isBound() ? CURRENT.get() : Device.cpu();
    }

    /** A new base manager on the current device. */
    public static NDManager newManager() {
        return NDManager.newBaseManager(current());
    }

    /** Runs {@code work} with {@code device} as the current device. */
    public static <R, X extends Throwable> R on(Device device, ScopedValue.CallableOp<? extends R, X> work) throws X {
        return ScopedValue.where(CURRENT, device).call(work);
    }
}
