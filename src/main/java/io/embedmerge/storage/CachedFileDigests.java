package io.embedmerge.storage;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * SHA-256 of input files, read from the {@link DigestCache} while the file keeps the identity it was hashed with and
 * hashed (then remembered) otherwise, so trying several methods on the same models reads each input for its checksum
 * once.
 */
@Component
public class CachedFileDigests {

    private final DigestCache cache;
    private final AtomicLong bytesHashed = new AtomicLong();

    CachedFileDigests(DigestCache cache) {
        this.cache = cache;
    }

    public StoredFile describe(ConfinedFolder folder, String relativeName) {
        Path real = folder.file(relativeName);
        FileIdentity before = FileIdentity.of(real);
        Optional<String> known = cache.find(before);
        if (known.isPresent()) {
            return new StoredFile(relativeName, before.size(), known.get());
        }
        StoredFile hashed = FileDigests.describe(folder, relativeName);
        bytesHashed.addAndGet(hashed.bytes());
        // remembered only when nothing changed while it was read, so the stored identity matches the hashed bytes
        if (FileIdentity.of(real).equals(before) && hashed.bytes() == before.size()) {
            cache.remember(before, hashed.sha256());
        }
        return hashed;
    }

    /** Bytes read for checksums since start (cache hits read none). */
    public long bytesHashed() {
        return bytesHashed.get();
    }
}
