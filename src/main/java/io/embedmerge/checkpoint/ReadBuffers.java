package io.embedmerge.checkpoint;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reused direct buffers for positional reads of tensor data. Reused because fresh native memory costs a page fault
 * per page on first touch, which on a virtual machine is the very cost that reading instead of mapping avoids.
 */
final class ReadBuffers {

    /** Bytes per buffer: a multiple of every element size, large enough that a read's system call costs little. */
    static final int BUFFER_BYTES = 1 << 20;
    /** Buffers kept for reuse; more are allocated while more threads read at once, and dropped when returned. */
    private static final int KEPT = 2 * Runtime.getRuntime().availableProcessors() + 2;

    private static final ConcurrentLinkedQueue<Buffer> FREE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger KEPT_COUNT = new AtomicInteger();

    record Buffer(ByteBuffer bytes, MemorySegment segment) {}

    private ReadBuffers() {}

    static Buffer acquire() {
        Buffer buffer = FREE.poll();
        if (buffer != null) {
            KEPT_COUNT.decrementAndGet();
            return buffer;
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect(BUFFER_BYTES);
        return new Buffer(bytes, MemorySegment.ofBuffer(bytes));
    }

    static void release(Buffer buffer) {
        if (KEPT_COUNT.incrementAndGet() <= KEPT) {
            FREE.add(buffer);
        } else {
            KEPT_COUNT.decrementAndGet();
        }
    }
}
