package dev.dat4j.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.Callable;

/**
 * One GPU as seen by {@link CudaBackend}: its owner thread and, living on that thread, the primary
 * context, a non-blocking stream, a cuBLAS handle, the caching allocator, pinned host staging
 * memory, the kernel library and the launcher.
 *
 * <p>Every method that touches CUDA state must run on the owner thread: public entry points go
 * through {@link #call}/{@link #run}; the accessors are for code already on that thread.
 */
final class CudaDevice implements AutoCloseable {
    /** Pinned staging block for host↔device copies; larger transfers go in chunks. */
    private static final long STAGING_BYTES = 8L << 20;

    final int ordinal;
    final String name;
    final int computeCapability;
    final int multiprocessors;

    private final DeviceThread thread;
    private final int cuDevice;
    private CudaDriver.Stream stream;
    private Cublas cublas;
    private DeviceAllocator allocator;
    private KernelLibrary kernels;
    private KernelLauncher launcher;
    private MemorySegment staging;
    /** 8 bytes of device memory where checking kernels record the first bad index (see indexing.cu). */
    private long errorSlot;
    private volatile boolean closed;

    private CudaDevice(int ordinal, int cuDevice) {
        this.ordinal = ordinal;
        this.cuDevice = cuDevice;
        this.name = CudaDriver.deviceName(cuDevice);
        this.computeCapability = CudaDriver.computeCapability(cuDevice);
        this.multiprocessors = CudaDriver.multiprocessorCount(cuDevice);
        this.thread = new DeviceThread("cuda:" + ordinal);
    }

    /** Opens device {@code ordinal}: starts its thread and sets up everything on it. */
    static CudaDevice open(int ordinal) {
        CudaDriver.init();
        int count = CudaDriver.deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("cuda:" + ordinal + " does not exist: " + count + " CUDA device(s) found");
        }
        CudaDevice d = new CudaDevice(ordinal, CudaDriver.device(ordinal));
        try {
            d.thread.run(d::setUp);
        } catch (RuntimeException e) {
            d.thread.close();
            throw e;
        }
        return d;
    }

    private void setUp() {
        CudaDriver.retainPrimaryContext(cuDevice);
        stream = CudaDriver.createStream();
        cublas = new Cublas(stream);
        allocator = new DeviceAllocator();
        kernels = new KernelLibrary(computeCapability);
        launcher = new KernelLauncher(stream);
        staging = CudaDriver.mallocHost(STAGING_BYTES);
        errorSlot = allocator.allocate(8);
    }

    <T> T call(Callable<T> task) {
        if (closed) throw new IllegalStateException("cuda:" + ordinal + " is closed");
        return thread.call(task);
    }

    void run(Runnable task) {
        if (closed) throw new IllegalStateException("cuda:" + ordinal + " is closed");
        thread.run(task);
    }

    /** Queues {@code task} on the owner thread without waiting (see {@link DeviceThread#submit}). */
    void submit(Runnable task) {
        if (closed) throw new IllegalStateException("cuda:" + ordinal + " is closed");
        thread.submit(task);
    }

    // ---------------------------------------------------------------- owner-thread accessors

    CudaDriver.Stream stream() {
        return stream;
    }

    Cublas cublas() {
        return cublas;
    }

    DeviceAllocator allocator() {
        return allocator;
    }

    /** Launches {@code family.cu}'s function {@code name}. */
    void launch(String family, String name, int gridX, int gridY, int blockX, int blockY, int sharedBytes, Object... args) {
        launcher.launch(kernels.function(family, name), gridX, gridY, blockX, blockY, sharedBytes, args);
    }

    void synchronize() {
        CudaDriver.synchronize(stream);
    }

    /** Copies {@code bytes} from host segment {@code src} to device address {@code dst} via pinned memory. */
    void upload(MemorySegment src, long dst, long bytes) {
        for (long done = 0; done < bytes; done += STAGING_BYTES) {
            long chunk = Math.min(STAGING_BYTES, bytes - done);
            MemorySegment.copy(src, done, staging, 0, chunk);
            CudaDriver.copyHostToDevice(dst + done, staging, chunk, stream);
            CudaDriver.synchronize(stream); // the staging block is reused by the next chunk
        }
    }

    /** Copies {@code bytes} from device address {@code src} into host segment {@code dst} via pinned memory. */
    void download(long src, MemorySegment dst, long bytes) {
        for (long done = 0; done < bytes; done += STAGING_BYTES) {
            long chunk = Math.min(STAGING_BYTES, bytes - done);
            CudaDriver.copyDeviceToHost(staging, src + done, chunk, stream);
            CudaDriver.synchronize(stream);
            MemorySegment.copy(staging, 0, dst, done, chunk);
        }
    }

    /** Device address of the 8-byte error slot, reset to "no error" (all ones) on the stream. */
    long resetErrorSlot() {
        CudaDriver.memset32(errorSlot, -1, 2, stream);
        return errorSlot;
    }

    /** Waits for the stream and returns the position recorded in the error slot, or -1 if none. */
    long readErrorSlot() {
        CudaDriver.copyDeviceToHost(staging, errorSlot, 8, stream);
        CudaDriver.synchronize(stream);
        return staging.get(ValueLayout.JAVA_LONG, 0); // all ones = -1 = no error
    }

    /** Free and total device memory in bytes. */
    long[] memoryInfo() {
        return call(CudaDriver::memoryInfo);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        thread.run(() -> {
            CudaDriver.synchronize(stream);
            launcher.close();
            kernels.close();
            cublas.close();
            allocator.release(errorSlot, 8);
            allocator.close();
            CudaDriver.freeHost(staging);
            CudaDriver.destroyStream(stream);
            CudaDriver.releasePrimaryContext(cuDevice);
        });
        closed = true;
        thread.close();
    }
}
