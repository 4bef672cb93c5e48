package io.embedmerge.storage;

import java.nio.file.Path;

/** A checked place in object storage: a folder (or file) under one of the configured roots. */
public sealed interface StorageLocation permits StorageLocation.Local, StorageLocation.S3 {

    /** The canonical URI, as shown to users. */
    String uri();

    /** The location of a child entry (a relative name with no {@code ..} segments). */
    StorageLocation child(String relativeName);

    /** True when one location is the other or lies inside it (writing one could change the other). */
    default boolean overlaps(StorageLocation other) {
        return switch (this) {
            case Local a
            when other instanceof Local b ->
                a.path().startsWith(b.path()) || b.path().startsWith(a.path());
            case S3 a
            when other instanceof S3 b ->
                a.bucket().equals(b.bucket())
                        && (a.prefix().startsWith(b.prefix()) || b.prefix().startsWith(a.prefix()));
            default -> false;
        };
    }

    record Local(Path path) implements StorageLocation {
        @Override
        public String uri() {
            return path.toUri().toString();
        }

        @Override
        public Local child(String relativeName) {
            return new Local(
                    path.resolve(StorageUris.checkRelative(relativeName)).normalize());
        }
    }

    record S3(String bucket, String key) implements StorageLocation {
        @Override
        public String uri() {
            return "s3://" + bucket + "/" + key;
        }

        /** The key as a folder prefix, ending in '/' (empty for the bucket root). */
        public String prefix() {
            return key.isEmpty() || key.endsWith("/") ? key : key + "/";
        }

        @Override
        public S3 child(String relativeName) {
            return new S3(bucket, prefix() + StorageUris.checkRelative(relativeName));
        }
    }
}
