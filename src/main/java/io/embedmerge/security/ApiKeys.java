package io.embedmerge.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The configured API keys, by SHA-256. A presented key is hashed and compared with every entry in constant time. */
final class ApiKeys {

    private record Entry(byte[] sha256, TenantPrincipal principal) {}

    private final List<Entry> entries;

    ApiKeys(List<SecurityProperties.ApiKey> keys) {
        this.entries = keys.stream().map(ApiKeys::entry).toList();
    }

    private static Entry entry(SecurityProperties.ApiKey key) {
        String name = key.name() == null ? key.owner() : key.name();
        if (key.sha256() == null || !key.sha256().matches("(?i)[0-9a-f]{64}")) {
            throw new IllegalStateException("merge.security.api-keys: key '" + name
                    + "' needs sha256, the 64 hex digits of the SHA-256 of the key");
        }
        if (key.owner() == null || key.tenant() == null) {
            throw new IllegalStateException("merge.security.api-keys: key '" + name + "' needs an owner and a tenant");
        }
        return new Entry(
                HexFormat.of().parseHex(key.sha256().toLowerCase(Locale.ROOT)),
                new TenantPrincipal(key.owner(), key.tenant(), Set.copyOf(key.scopes())));
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The principal of the key, if it is one of ours. Looks at every entry, so timing tells nothing. */
    Optional<TenantPrincipal> match(String presented) {
        byte[] hash = sha256(presented);
        TenantPrincipal found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.sha256(), hash)) {
                found = entry.principal();
            }
        }
        return Optional.ofNullable(found);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
