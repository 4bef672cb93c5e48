package io.embedmerge.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3-compatible object storage. Inputs are downloaded once into a local cache (re-fetched when the ETag changes),
 * since safetensors are read by memory mapping. Outputs are uploaded under a temporary prefix and copied server-side
 * to the final keys on commit, {@code merge-manifest.json} last, so readers that wait for the manifest never see a
 * partial folder.
 */
final class S3ObjectStore implements ObjectStore {

    private final S3Client s3;
    private final Path cacheDir;
    private final int partBytes;

    S3ObjectStore(S3Client s3, Path cacheDir, int partBytes) {
        this.s3 = s3;
        this.cacheDir = cacheDir;
        this.partBytes = partBytes;
    }

    @Override
    public boolean exists(StorageLocation location) {
        StorageLocation.S3 loc = (StorageLocation.S3) location;
        if (!list(loc.bucket(), loc.prefix(), 1).isEmpty()) {
            return true;
        }
        try {
            s3.headObject(b -> b.bucket(loc.bucket()).key(loc.key()));
            return !loc.key().isEmpty();
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private List<S3Object> list(String bucket, String prefix, int max) {
        List<S3Object> result = new ArrayList<>();
        for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
            for (S3Object o : page.contents()) {
                result.add(o);
                if (result.size() >= max) {
                    return result;
                }
            }
        }
        return result;
    }

    @Override
    public Path localCopy(StorageLocation location) {
        StorageLocation.S3 loc = (StorageLocation.S3) location;
        Path folder = cacheDir.resolve("s3").resolve(loc.bucket()).resolve(loc.prefix());
        try {
            for (S3Object object : list(loc.bucket(), loc.prefix(), Integer.MAX_VALUE)) {
                String relative = object.key().substring(loc.prefix().length());
                if (relative.isEmpty() || relative.endsWith("/")) {
                    continue;
                }
                Path file = folder.resolve(StorageUris.checkRelative(relative));
                Path etagFile = file.resolveSibling("." + file.getFileName() + ".etag");
                if (Files.isRegularFile(file)
                        && Files.isRegularFile(etagFile)
                        && Files.readString(etagFile).equals(object.eTag())
                        && Files.size(file) == object.size()) {
                    continue;
                }
                Files.createDirectories(file.getParent());
                Path partial = file.resolveSibling("." + file.getFileName() + ".part-" + UUID.randomUUID());
                s3.getObject(b -> b.bucket(loc.bucket()).key(object.key()), partial);
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.writeString(etagFile, object.eTag());
            }
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache " + loc.uri(), e);
        }
    }

    @Override
    public Optional<String> readText(StorageLocation file) {
        StorageLocation.S3 loc = (StorageLocation.S3) file;
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(loc.bucket()).key(loc.key()))
                    .asUtf8String());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public OutputFolder createOutput(StorageLocation location) {
        StorageLocation.S3 target = (StorageLocation.S3) location;
        String base = target.prefix().isEmpty()
                ? ""
                : target.prefix().substring(0, target.prefix().length() - 1);
        String staging = base + ".tmp-" + UUID.randomUUID() + "/";
        return new StagedPrefix(target, staging);
    }

    private final class StagedPrefix extends ChecksummedFolder {
        private final StorageLocation.S3 target;
        private final String stagingPrefix;
        private final List<MultipartUploadStream> open = Collections.synchronizedList(new ArrayList<>());
        private final List<String> published = new ArrayList<>();
        private boolean committed;

        StagedPrefix(StorageLocation.S3 target, String stagingPrefix) {
            this.target = target;
            this.stagingPrefix = stagingPrefix;
        }

        @Override
        public StorageLocation location() {
            return target;
        }

        @Override
        protected OutputStream openStaged(String relativeName) {
            MultipartUploadStream upload =
                    new MultipartUploadStream(s3, target.bucket(), stagingPrefix + relativeName, partBytes);
            open.add(upload);
            return upload;
        }

        @Override
        public void commit() {
            if (exists(target)) {
                throw new OutputExistsException(target.uri());
            }
            for (StoredFile file : files()) {
                String finalKey = target.prefix() + file.name();
                s3.copyObject(b -> b.sourceBucket(target.bucket())
                        .sourceKey(stagingPrefix + file.name())
                        .destinationBucket(target.bucket())
                        .destinationKey(finalKey));
                published.add(finalKey);
            }
            committed = true;
            deleteStaging();
        }

        @Override
        public void abort() {
            open.forEach(MultipartUploadStream::abort);
            deleteStaging();
            if (!committed) {
                published.forEach(
                        key -> s3.deleteObject(b -> b.bucket(target.bucket()).key(key)));
            }
        }

        private void deleteStaging() {
            for (S3Object o : list(target.bucket(), stagingPrefix, Integer.MAX_VALUE)) {
                s3.deleteObject(b -> b.bucket(target.bucket()).key(o.key()));
            }
        }
    }

    /** Uploads in parts of {@code partBytes}; a small file becomes a single PUT. */
    static final class MultipartUploadStream extends OutputStream {
        private final S3Client s3;
        private final String bucket;
        private final String key;
        private final byte[] buffer;
        private final List<CompletedPart> parts = new ArrayList<>();
        private int buffered;
        private String uploadId;
        private boolean done;

        MultipartUploadStream(S3Client s3, String bucket, String key, int partBytes) {
            this.s3 = s3;
            this.bucket = bucket;
            this.key = key;
            this.buffer = new byte[partBytes];
        }

        @Override
        public void write(int b) {
            if (buffered == buffer.length) {
                uploadPart();
            }
            buffer[buffered++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (buffered == buffer.length) {
                    uploadPart();
                }
                int n = Math.min(len, buffer.length - buffered);
                System.arraycopy(b, off, buffer, buffered, n);
                buffered += n;
                off += n;
                len -= n;
            }
        }

        private void uploadPart() {
            if (uploadId == null) {
                uploadId =
                        s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
            }
            int number = parts.size() + 1;
            String etag = s3.uploadPart(
                            b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                            RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, buffered)))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            buffered = 0;
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            if (uploadId == null) {
                s3.putObject(
                        b -> b.bucket(bucket).key(key),
                        RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, buffered)));
                return;
            }
            if (buffered > 0) {
                uploadPart();
            }
            s3.completeMultipartUpload(
                    b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        }

        void abort() {
            if (!done && uploadId != null) {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            }
            done = true;
        }
    }
}
