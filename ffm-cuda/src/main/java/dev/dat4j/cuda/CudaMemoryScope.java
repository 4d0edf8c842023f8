package dev.dat4j.cuda;

import dev.dat4j.vecops.MemoryScope;

import java.util.ArrayList;
import java.util.List;

/**
 * Owner of device buffers: {@link #allocate} takes zeroed blocks from the device's caching
 * allocator; {@link #close} hands all of them back at once (explicit lifetime, nothing left to the
 * GC). Using a buffer of a closed scope throws {@link IllegalStateException}.
 */
public final class CudaMemoryScope implements MemoryScope {
    private final CudaBackend backend;
    private final CudaDevice device;
    /** (address, requested bytes) of every block, to release at close. */
    private final List<long[]> blocks = new ArrayList<>();
    private long bytes;
    private volatile boolean closed;

    CudaMemoryScope(CudaBackend backend, CudaDevice device) {
        this.backend = backend;
        this.device = device;
    }

    @Override
    public CudaBuffer allocate(long length) {
        if (length < 0) throw new IllegalArgumentException("negative buffer length " + length);
        return new CudaBuffer(this, allocateBytes(Math.max(4, length << 2)), length, false);
    }

    /** {@code length} zeroed bf16 elements (see {@link CudaBackend#bf16Copy}, {@link CudaBackend#bf16Buffer}). */
    CudaBuffer allocateBf16(long length) {
        if (length < 0) throw new IllegalArgumentException("negative buffer length " + length);
        return new CudaBuffer(this, allocateBytes(Math.max(4, (length + 1) / 2 * 4)), length, true);
    }

    /** A zeroed block of {@code size} bytes (a multiple of 4), released when this scope closes. */
    private synchronized long allocateBytes(long size) {
        checkOpen();
        long address = device.call(() -> {
            long p = device.allocator().allocate(size);
            CudaDriver.memset32(p, 0, size >>> 2, device.stream());
            return p;
        });
        blocks.add(new long[] {address, size});
        bytes += size;
        return address;
    }

    /** Bytes allocated through this scope so far. */
    public synchronized long bytes() {
        return bytes;
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("a CUDA buffer was used after its memory scope was closed");
    }

    CudaBackend backend() {
        return backend;
    }

    String backendName() {
        return backend.name();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        device.run(() -> {
            for (long[] b : blocks) device.allocator().release(b[0], b[1]);
        });
        blocks.clear();
    }
}
