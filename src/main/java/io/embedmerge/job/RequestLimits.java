package io.embedmerge.job;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Sizes a request may have, so that no request can exhaust memory, disk or the queue. Every limit is checked at
 * submit time and named in the error (README, "Limits and guarantees").
 *
 * @param maxBodySize     request body (413 above it, also for chunked bodies)
 * @param maxModels       entries of {@code models} in one job
 * @param maxStringLength characters of every string in a job request (URIs, labels, names, parameter values, keys)
 * @param maxListLength   entries of every other list in a job request ({@code evaluation}, {@code data}, lists in
 *                        method parameters)
 * @param maxProbeParts   parts of one probe mixture ({@code probe}, {@code models[i].probe}): each part is one more
 *                        encoder forward pass per step
 */
@ConfigurationProperties("merge.limits")
public record RequestLimits(
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("64") int maxModels,
        @DefaultValue("2048") int maxStringLength,
        @DefaultValue("64") int maxListLength,
        @DefaultValue("8") int maxProbeParts) {

    /** Longest {@code Idempotency-Key}: the width of its database column. */
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 255;
}
