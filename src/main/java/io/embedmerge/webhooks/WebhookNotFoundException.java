package io.embedmerge.webhooks;

import java.util.UUID;

class WebhookNotFoundException extends RuntimeException {

    WebhookNotFoundException(UUID id) {
        super("no webhook with id " + id);
    }
}
