package dev.dat4j.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching allocator for device memory, one per device, used only on its owner thread.
 *
 * <p>{@code cuMemFree} synchronises the whole device, and a training step allocates and frees the
 * same activation sizes every step. So released blocks go to a free list per size class and are
 * handed out again; real frees happen only when an allocation fails for lack of memory, or at
 * close. Reuse is safe without events because all work runs in order on the device's one stream:
 * a kernel that uses a recycled block is enqueued after every kernel that used it before.
 */
final class DeviceAllocator implements AutoCloseable {
    private static final int CUDA_ERROR_OUT_OF_MEMORY = 2;

    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private long cachedBytes;
    private long liveBytes;
    private long peakLiveBytes;

    /**
     * Size classes: multiples of 512 bytes up to 1 MiB, then 8 classes per power of two (at most
     * 12.5% waste), so blocks of similar size are interchangeable.
     */
    static long sizeClass(long bytes) {
        long b = Math.max(bytes, 1);
        if (b <= (1 << 20)) return (b + 511) & ~511L;
        int shift = 63 - Long.numberOfLeadingZeros(b) - 3;
        long step = 1L << shift;
        return (b + step - 1) & -step;
    }

    /** A block of at least {@code bytes}; returns its device address. Size it back with {@link #sizeClass}. */
    long allocate(long bytes) {
        long size = sizeClass(bytes);
        ArrayDeque<Long> list = free.get(size);
        long ptr;
        if (list != null && !list.isEmpty()) {
            ptr = list.pop();
            cachedBytes -= size;
        } else {
            try {
                ptr = CudaDriver.malloc(size);
            } catch (CudaException e) {
                if (e.status() != CUDA_ERROR_OUT_OF_MEMORY || cachedBytes == 0) throw e;
                trim();
                ptr = CudaDriver.malloc(size);
            }
        }
        liveBytes += size;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
        return ptr;
    }

    /** Returns a block from {@link #allocate} of the same requested size to the cache. */
    void release(long ptr, long bytes) {
        long size = sizeClass(bytes);
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(ptr);
        liveBytes -= size;
        cachedBytes += size;
    }

    /** Frees every cached block back to the driver. */
    void trim() {
        for (ArrayDeque<Long> list : free.values()) {
            for (long p : list) CudaDriver.free(p);
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Bytes in blocks handed out and not yet released. */
    long liveBytes() {
        return liveBytes;
    }

    /** Most bytes handed out at once since creation or the last {@link #resetPeak}. */
    long peakLiveBytes() {
        return peakLiveBytes;
    }

    /** Starts a new peak measurement from the bytes handed out now. */
    void resetPeak() {
        peakLiveBytes = liveBytes;
    }

    /** Bytes held in the cache, free for reuse. */
    long cachedBytes() {
        return cachedBytes;
    }

    @Override
    public void close() {
        trim();
    }
}
