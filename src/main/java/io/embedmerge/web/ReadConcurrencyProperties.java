package io.embedmerge.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many short reads (GET and HEAD without {@code wait}, other than event streams and the actuator's) the API
 * serves at once; the rest wait their turn in arrival order.
 *
 * @param maxConcurrent reads served at once; 0 (the default) means one per available processor; a negative value
 *     turns the queue off
 * @param maxQueueWait  how long a read waits for its turn before it is served anyway (default 2 s), so that a slow
 *     client holding a turn can never stall the others
 */
@ConfigurationProperties("merge.web.reads")
public record ReadConcurrencyProperties(
        @DefaultValue("0") int maxConcurrent,
        @DefaultValue("2s") Duration maxQueueWait) {

    int permits() {
        return maxConcurrent == 0 ? Runtime.getRuntime().availableProcessors() : maxConcurrent;
    }
}
