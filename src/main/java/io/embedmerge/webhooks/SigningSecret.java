package io.embedmerge.webhooks;

import io.embedmerge.job.NotifySecrets;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.stereotype.Component;

/** Standard Webhooks signing secrets: {@code whsec_} followed by the base64 of 32 random bytes. */
@Component
final class SigningSecret implements NotifySecrets {

    static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String issue() {
        return generate();
    }

    static String generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key: the base64-decoded part after the prefix. */
    static byte[] key(String secret) {
        return Base64.getDecoder().decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
    }
}
