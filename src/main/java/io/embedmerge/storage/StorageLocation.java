package io.embedmerge.storage;

import java.nio.file.Path;

/** A checked place in object storage: a folder (or file) under one of the configured roots. */
public sealed interface StorageLocation permits StorageLocation.Local, StorageLocation.S3 {

    /** The canonical URI, as shown to users. */
    String uri();

    /** The location of a child entry (a relative name with no {@code ..} segments). */
    StorageLocation child(String relativeName);

    record Local(Path path) implements StorageLocation {
        @Override
        public String uri() {
            return path.toUri().toString();
        }

        @Override
        public Local child(String relativeName) {
            return new Local(path.resolve(StorageUris.checkRelative(relativeName)).normalize());
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
