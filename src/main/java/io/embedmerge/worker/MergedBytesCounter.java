package io.embedmerge.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** {@code merge.bytes.written}: bytes of merged tensors written by this instance. */
@Component
class MergedBytesCounter implements TensorListener {

    private final Counter counter;

    MergedBytesCounter(MeterRegistry registry) {
        this.counter = Counter.builder("merge.bytes.written")
                .baseUnit("bytes")
                .description("Bytes of merged tensors written")
                .register(registry);
    }

    @Override
    public void tensorWritten(String tensorName, long bytes) {
        counter.increment(bytes);
    }
}
