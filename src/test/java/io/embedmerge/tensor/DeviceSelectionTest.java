package io.embedmerge.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

    @Test
    void autoTakesEveryGpuOrElseTheCpu() {
        assertThat(DeviceSelection.resolve("auto", 0).devices()).containsExactly(Device.cpu());
        assertThat(DeviceSelection.resolve("auto", 0).usesGpu()).isFalse();
        assertThat(DeviceSelection.resolve("auto", 2).devices()).containsExactly(Device.gpu(0), Device.gpu(1));
        assertThat(DeviceSelection.resolve(null, 1).devices()).containsExactly(Device.gpu(0));
    }

    @Test
    void cpuIsTheCpuEvenWithGpus() {
        assertThat(DeviceSelection.resolve("cpu", 4).devices()).containsExactly(Device.cpu());
        assertThat(DeviceSelection.resolve(" CPU ", 0).devices()).containsExactly(Device.cpu());
    }

    @Test
    void cudaNeedsAGpuAndNamesTheSetting() {
        assertThat(DeviceSelection.resolve("cuda", 2).devices()).containsExactly(Device.gpu(0), Device.gpu(1));
        assertThat(DeviceSelection.resolve("cuda:1", 2).devices()).isEqualTo(List.of(Device.gpu(1)));
        for (String value : List.of("cuda", "gpu", "cuda:0")) {
            assertThatThrownBy(() -> DeviceSelection.resolve(value, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("merge.worker.device=" + value);
        }
        assertThatThrownBy(() -> DeviceSelection.resolve("cuda:2", 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sees 2 CUDA device(s)");
    }

    @Test
    void anythingElseIsRefused() {
        for (String value : List.of("tpu", "cuda:", "cuda:-1", "cuda:x", "")) {
            assertThatThrownBy(() -> DeviceSelection.resolve(value, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("auto, cpu, cuda or cuda:N");
        }
    }

    @Test
    void tensorsOfAJobAreCreatedOnItsDevice() throws Exception {
        assertThat(ComputeDevice.current()).isEqualTo(Device.cpu());
        Device seen = ComputeDevice.on(Device.cpu(), () -> {
            try (var manager = ComputeDevice.newManager()) {
                return manager.create(new float[] {1, 2}).getDevice();
            }
        });
        assertThat(seen).isEqualTo(Device.cpu());
    }
}
