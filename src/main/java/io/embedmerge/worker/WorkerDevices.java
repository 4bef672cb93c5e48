package io.embedmerge.worker;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.embedmerge.tensor.DeviceSelection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices of this worker's gpu pool, lent one per running job, so that with one job per device each job has a
 * GPU to itself. Resolved at start-up: a worker configured for CUDA on a machine without one does not start.
 */
final class WorkerDevices {

    private static final Logger log = LoggerFactory.getLogger(WorkerDevices.class);

    private final DeviceSelection selection;
    private final BlockingQueue<Device> free;

    WorkerDevices(DeviceSelection selection) {
        this.selection = selection;
        this.free = new ArrayBlockingQueue<>(selection.devices().size(), false, selection.devices());
    }

    static WorkerDevices detect(String configured) {
        Engine engine = Engine.getEngine("PyTorch");
        DeviceSelection selection = DeviceSelection.resolve(configured, engine.getGpuCount());
        log.info(
                "encoder jobs run on {} (merge.worker.device={}, PyTorch {} sees {} CUDA device(s))",
                selection.devices(),
                configured,
                engine.getVersion(),
                engine.getGpuCount());
        return new WorkerDevices(selection);
    }

    DeviceSelection selection() {
        return selection;
    }

    Device acquire() throws InterruptedException {
        return free.take();
    }

    void release(Device device) {
        free.add(device);
    }
}
