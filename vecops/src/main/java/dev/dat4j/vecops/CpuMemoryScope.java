package dev.dat4j.vecops;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU memory scope over one shared {@link Arena} (shared, because worker threads read and write
 * the buffers). Closing it frees every buffer at once. Live bytes are counted process-wide so tests
 * can assert that a training loop's native memory stays flat.
 */
public final class CpuMemoryScope implements MemoryScope {
    /** 64-byte alignment: one cache line, and the widest vector (512 bits). */
    public static final long ALIGNMENT = 64;

    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final Arena arena = Arena.ofShared();
    private long bytes;
    private boolean closed;

    /** Native bytes currently held by open CPU scopes of this process. */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    @Override
    public synchronized CpuBuffer allocate(long length) {
        if (closed) throw new IllegalStateException("memory scope is closed");
        if (length < 0) throw new IllegalArgumentException("negative buffer length " + length);
        long size = Math.max(4, length << 2);
        CpuBuffer buffer = new CpuBuffer(arena.allocate(size, ALIGNMENT).asSlice(0, length << 2)); // Arena zeroes memory
        bytes += size;
        LIVE_BYTES.addAndGet(size);
        return buffer;
    }

    /** Bytes allocated through this scope so far. */
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        arena.close();
        LIVE_BYTES.addAndGet(-bytes);
    }
}
