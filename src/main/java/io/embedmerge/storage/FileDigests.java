package io.embedmerge.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of local files. */
public final class FileDigests {

    private FileDigests() {}

    public static StoredFile describe(ConfinedFolder folder, String relativeName) {
        // 1 MB reads: with InputStream.transferTo's 16 KB a 1 GB checkpoint costs 65k read calls
        byte[] buffer = new byte[1 << 20];
        try (FileChannel channel = folder.channel(relativeName)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long size = 0;
            for (int n; (n = channel.read(ByteBuffer.wrap(buffer))) >= 0; size += n) {
                digest.update(buffer, 0, n);
            }
            return new StoredFile(relativeName, size, HexFormat.of().formatHex(digest.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
