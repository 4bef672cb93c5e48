package io.embedmerge.worker;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** {@code GET /actuator/info} → {@code worker}: the pools this instance serves and the devices its jobs run on. */
@Component
class WorkerInfoContributor implements InfoContributor {

    private final WorkerProperties properties;
    private final ObjectProvider<WorkerDevices> devices;

    WorkerInfoContributor(WorkerProperties properties, ObjectProvider<WorkerDevices> devices) {
        this.properties = properties;
        this.devices = devices;
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> worker = new LinkedHashMap<>();
        worker.put("enabled", properties.enabled());
        WorkerDevices lent = devices.getIfAvailable();
        if (lent != null) {
            worker.put("pools", properties.pools());
            worker.put("device", properties.device());
            List<Map<String, Object>> list = new ArrayList<>();
            for (Device device : lent.selection().devices()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", device.toString());
                if (device.isGpu()) {
                    MemoryUsage memory = CudaUtils.getGpuMemory(device);
                    entry.put("memoryUsedBytes", memory.getUsed());
                    entry.put("memoryTotalBytes", memory.getMax());
                }
                list.add(entry);
            }
            worker.put("devices", list);
            Engine engine = Engine.getEngine("PyTorch");
            worker.put(
                    "engine",
                    Map.of(
                            "name",
                            engine.getEngineName(),
                            "version",
                            engine.getVersion(),
                            "cudaDevices",
                            engine.getGpuCount()));
        }
        builder.withDetail("worker", worker);
    }
}
