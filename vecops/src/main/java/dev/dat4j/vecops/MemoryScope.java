package dev.dat4j.vecops;

/**
 * Owner of buffers allocated by a {@link Backend}: closing it releases all of them at once.
 *
 * <p>Models hold one long-lived scope for parameters, gradients and optimizer state; each training
 * or inference step opens a short-lived scope for activations and temporaries (try-with-resources),
 * so native memory stays flat over a long run and nothing is left to the garbage collector.
 */
public interface MemoryScope extends AutoCloseable {

    /** Allocates {@code length} zero-initialised 4-byte elements owned by this scope. */
    Buffer allocate(long length);

    /** Releases every buffer of this scope. Using them afterwards is an error. */
    @Override
    void close();
}
