package io.embedmerge.checkpoint;

import java.util.List;

/**
 * Where a tensor's bytes lie in a file, computed from untrusted numbers (a pickle's storage offset and shape) in
 * exact arithmetic: an offset near 2^62 must not wrap around into the zip headers and pass the bounds check.
 */
record TensorBytes(long begin, long end) {

    /**
     * @param where       file and tensor, for messages
     * @param offset      element offset of the tensor in its storage
     * @param width       bytes per element
     * @param storageFrom file offset of the storage's first byte
     * @param storageSize bytes in the storage
     */
    static TensorBytes of(String where, long offset, List<Long> shape, int width, long storageFrom, long storageSize) {
        if (offset < 0) {
            throw new CheckpointFormatException(where + " has a negative storage offset " + offset);
        }
        try {
            long elements = 1;
            for (long d : shape) {
                if (d < 0) {
                    throw new CheckpointFormatException(where + " has a negative dimension in shape " + shape);
                }
                elements = Math.multiplyExact(elements, d);
            }
            long begin = Math.addExact(storageFrom, Math.multiplyExact(offset, width));
            long end = Math.addExact(begin, Math.multiplyExact(elements, width));
            if (end > Math.addExact(storageFrom, storageSize)) {
                throw new CheckpointFormatException(where + " runs past the end of its storage (offset " + offset
                        + ", shape " + shape + ", storage of " + storageSize + " bytes)");
            }
            return new TensorBytes(begin, end);
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(where + " has a storage offset " + offset + " or shape " + shape
                    + " whose byte position overflows 64 bits");
        }
    }
}
