package io.embedmerge.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands full buffers to a background thread that writes them to the underlying stream (which hashes and stores
 * them), so that SHA-256 and I/O overlap with the merge computation. At most {@code DEPTH} buffers are in flight.
 * After a failure the background thread keeps draining (and discarding) until close, so the producer never blocks
 * forever; the failure is rethrown on the next write or on close.
 */
final class PipelinedOutputStream extends OutputStream {

    private static final int BUFFER_BYTES = 4 << 20;
    private static final int DEPTH = 3;

    private record Block(byte[] bytes, int length) {}

    private static final Block END = new Block(new byte[0], 0);

    private final BlockingQueue<Block> full = new ArrayBlockingQueue<>(DEPTH);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(DEPTH + 1);
    private final Thread writer;
    private volatile Throwable failure;
    private byte[] current;
    private int used;
    private boolean closed;

    PipelinedOutputStream(OutputStream target, String name) {
        for (int i = 0; i < DEPTH; i++) {
            free.add(new byte[BUFFER_BYTES]);
        }
        current = new byte[BUFFER_BYTES];
        writer = Thread.ofPlatform().name("output-" + name).daemon(true).start(() -> drain(target));
    }

    private void drain(OutputStream target) {
        // closed on every path: a file left open after a failure keeps its disk space (even once deleted) until a GC
        try (target) {
            while (true) {
                Block block = full.take();
                if (block == END) {
                    break;
                }
                if (failure == null) {
                    try {
                        target.write(block.bytes(), 0, block.length());
                    } catch (Throwable e) {
                        failure = e;
                    }
                }
                free.put(block.bytes());
            }
        } catch (Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private void checkFailure() throws IOException {
        Throwable f = failure;
        if (f != null) {
            throw f instanceof IOException io ? io : new IOException(f);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkFailure();
        while (len > 0) {
            if (used == current.length) {
                handOver();
            }
            int n = Math.min(len, current.length - used);
            System.arraycopy(b, off, current, used, n);
            used += n;
            off += n;
            len -= n;
        }
    }

    private void handOver() throws IOException {
        try {
            full.put(new Block(current, used));
            current = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        used = 0;
        checkFailure();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (used > 0) {
                full.put(new Block(current, used));
            }
            full.put(END);
            writer.join();
        } catch (InterruptedException e) {
            writer.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        checkFailure();
    }
}
