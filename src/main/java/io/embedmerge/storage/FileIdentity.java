package io.embedmerge.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * What tells one version of a file from another without reading it: real path, size, modification and (where the
 * platform has it) status-change time in nanoseconds, file key (device and inode on Linux), and for a cached S3
 * copy the ETag it was downloaded at. The change time moves on every write even when the modification time is set
 * back, so a file rewritten in place under the same size and mtime still gets a new identity.
 */
public record FileIdentity(
        String realPath, long size, long modifiedNanos, long changedNanos, String fileKey, String etag) {

    public static FileIdentity of(Path real) {
        try {
            BasicFileAttributes attributes =
                    Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new FileIdentity(
                    real.toString(),
                    attributes.size(),
                    nanos(attributes.lastModifiedTime()),
                    changedNanos(real),
                    String.valueOf(attributes.fileKey()),
                    etag(real));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the attributes of " + real, e);
        }
    }

    private static long nanos(FileTime time) {
        return time.to(TimeUnit.NANOSECONDS);
    }

    private static long changedNanos(Path real) throws IOException {
        try {
            return nanos((FileTime) Files.getAttribute(real, "unix:ctime", LinkOption.NOFOLLOW_LINKS));
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    /** The ETag the S3 cache stored next to its copy ({@link S3ObjectStore}); empty for other files. */
    private static String etag(Path real) throws IOException {
        Path etagFile = real.resolveSibling("." + real.getFileName() + ".etag");
        return Files.isRegularFile(etagFile, LinkOption.NOFOLLOW_LINKS)
                ? Files.readString(etagFile).strip()
                : "";
    }
}
