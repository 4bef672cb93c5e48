package io.embedmerge.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;

/** Counts and hashes (SHA-256) what passes through, reporting the {@link StoredFile} once on close. */
final class ChecksummingOutputStream extends FilterOutputStream {

    private final String name;
    private final MessageDigest digest;
    private final Consumer<StoredFile> onClose;
    private long bytes;
    private boolean closed;

    ChecksummingOutputStream(OutputStream out, String name, Consumer<StoredFile> onClose) {
        super(out);
        this.name = name;
        this.onClose = onClose;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        digest.update((byte) b);
        bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        digest.update(b, off, len);
        bytes += len;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        super.close();
        onClose.accept(new StoredFile(name, bytes, HexFormat.of().formatHex(digest.digest())));
    }
}
