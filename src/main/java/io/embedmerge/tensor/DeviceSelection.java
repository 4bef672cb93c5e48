package io.embedmerge.tensor;

import ai.djl.Device;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Which devices a worker's encoder jobs use, from {@code merge.worker.device}: {@code auto} (every GPU the engine
 * sees, else the CPU), {@code cpu}, {@code cuda} (every GPU; there must be one) or {@code cuda:N} (that GPU).
 */
public record DeviceSelection(String configured, List<Device> devices) {

    public static DeviceSelection resolve(String configured, int gpuCount) {
        String value = configured == null ? "auto" : configured.strip().toLowerCase(java.util.Locale.ROOT);
        List<Device> gpus = IntStream.range(0, gpuCount).mapToObj(Device::gpu).toList();
        if (value.equals("auto")) {
            return new DeviceSelection(value, gpus.isEmpty() ? List.of(Device.cpu()) : gpus);
        }
        if (value.equals("cpu")) {
            return new DeviceSelection(value, List.of(Device.cpu()));
        }
        if (value.equals("cuda") || value.equals("gpu")) {
            if (gpus.isEmpty()) {
                throw new IllegalStateException("merge.worker.device=" + configured + " but the PyTorch engine sees no "
                        + "CUDA device (no GPU, no driver, or CPU-only natives); use auto or cpu on this machine");
            }
            return new DeviceSelection(value, gpus);
        }
        if (value.matches("(cuda|gpu):\\d{1,3}")) {
            int index = Integer.parseInt(value.substring(value.indexOf(':') + 1));
            if (index >= gpuCount) {
                throw new IllegalStateException("merge.worker.device=" + configured + " but the PyTorch engine sees "
                        + gpuCount + " CUDA device(s)");
            }
            return new DeviceSelection(value, List.of(Device.gpu(index)));
        }
        throw new IllegalArgumentException(
                "merge.worker.device must be auto, cpu, cuda or cuda:N, not '" + configured + "'");
    }

    public boolean usesGpu() {
        return devices.stream().anyMatch(Device::isGpu);
    }
}
