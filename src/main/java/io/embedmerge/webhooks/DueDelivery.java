package io.embedmerge.webhooks;

import java.util.UUID;

/** A delivery claimed for one attempt; {@code attempt} counts from 1. */
record DueDelivery(String id, UUID endpointId, String url, String secret, String payload, int attempt) {}
