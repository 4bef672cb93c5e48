package io.embedmerge.storage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Passes bytes through unchanged, turning an ENOSPC failure into a {@link DiskFullException} naming the file. */
final class DiskFullReporting extends FilterOutputStream {

    private final String location;

    DiskFullReporting(OutputStream out, String location) {
        super(out);
        this.location = location;
    }

    @Override
    public void write(int b) throws IOException {
        try {
            out.write(b);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private IOException translate(IOException e) {
        return DiskFull.is(e) && !(e instanceof DiskFullException) ? new DiskFullException(location, e) : e;
    }
}
