package dev.dat4j.vecops;

/**
 * A block of device memory holding 4-byte elements (float32 or int32), owned by a {@link MemoryScope}.
 *
 * <p>A buffer never frees itself: its memory is released when the scope that allocated it closes.
 * {@link #slice} returns a view sharing the same memory, used to pass sub-ranges to kernels
 * (kernels take no offsets; callers slice instead).
 */
public interface Buffer {

    /** Number of 4-byte elements in this buffer (or view). */
    long length();

    /** A view of {@code length} elements starting at element {@code offset}; shares memory. */
    Buffer slice(long offset, long length);

    /** The view from {@code offset} to the end. */
    default Buffer slice(long offset) {
        return slice(offset, length() - offset);
    }
}
