package io.embedmerge.webhooks;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * merge.webhooks: which receivers may be reached and how deliveries are retried.
 *
 * @param allowedHttpHosts hosts that may be posted to over plain http (everything else needs https)
 * @param allowedNetworks  CIDR ranges exempt from the refusal of loopback, private, link-local and similar addresses
 * @param retrySchedule    the wait after each failed attempt; the delivery fails for good after the last one
 * @param jitter           each wait is lengthened by a random share up to this (0.2 = up to 20 % longer)
 */
@ConfigurationProperties("merge.webhooks")
public record WebhookProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue List<String> allowedHttpHosts,
        @DefaultValue List<String> allowedNetworks,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout,

        @DefaultValue({"5s", "5m", "30m", "2h", "5h", "10h", "10h"})
        List<Duration> retrySchedule,

        @DefaultValue("0.2") double jitter,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("20") int batchSize,
        @DefaultValue("20") int maxEndpointsPerTenant) {

    /** How long a claimed delivery stays invisible to other pollers: longer than any attempt can take. */
    Duration claimLease() {
        return connectTimeout.plus(readTimeout).plusSeconds(30);
    }
}
