package dev.dat4j.cuda;

import dev.dat4j.cuda.generated.CudaDriverApi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.dat4j.cuda.generated.CudaDriverApi.*;

/**
 * Checked wrappers over the generated CUDA driver API ({@link CudaDriverApi}).
 *
 * <p>Every call's status is checked; a failure throws {@link CudaException} naming the call and the
 * error ({@code cuGetErrorName} / {@code cuGetErrorString}). Opaque handles are typed records around
 * zero-length segments; device pointers are plain {@code long}s and never become dereferenceable
 * segments. Apart from the context-free device queries, callers must be on the device's owner
 * thread ({@link DeviceThread}) with the primary context current.
 *
 * <p>Only touch this class after {@link NativeLibraries#driver()} reported the library loaded.
 */
final class CudaDriver {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout ADDRESS = ValueLayout.ADDRESS;

    /** A CUcontext (here always a device's primary context). */
    record Context(MemorySegment handle) {}

    /** A CUstream. */
    record Stream(MemorySegment handle) {}

    /** A CUmodule. */
    record Module(MemorySegment handle) {}

    /** A CUfunction of a loaded module. */
    record Function(MemorySegment handle, String name) {}

    private static volatile boolean initialised;

    private CudaDriver() {}

    // ---------------------------------------------------------------- errors

    static void check(int status, String call) {
        if (status != CUDA_SUCCESS()) {
            throw new CudaException(call, status, errorName(status), errorString(status));
        }
    }

    static String errorName(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ADDRESS);
            if (cuGetErrorName(status, p) != CUDA_SUCCESS()) return "CUDA_ERROR_UNKNOWN_CODE";
            return p.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE).getString(0);
        }
    }

    static String errorString(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ADDRESS);
            if (cuGetErrorString(status, p) != CUDA_SUCCESS()) return "";
            return p.get(ADDRESS, 0).reinterpret(Long.MAX_VALUE).getString(0);
        }
    }

    // ---------------------------------------------------------------- initialisation and queries (context-free)

    static synchronized void init() {
        if (initialised) return;
        check(cuInit(0), "cuInit");
        initialised = true;
    }

    /** Highest CUDA version the driver supports, encoded 1000·major + 10·minor (13000 = 13.0). */
    static int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(INT);
            check(cuDriverGetVersion(v), "cuDriverGetVersion");
            return v.get(INT, 0);
        }
    }

    static int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(INT);
            check(cuDeviceGetCount(n), "cuDeviceGetCount");
            return n.get(INT, 0);
        }
    }

    /** The CUdevice of ordinal {@code ordinal}. */
    static int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment d = arena.allocate(INT);
            check(cuDeviceGet(d, ordinal), "cuDeviceGet(" + ordinal + ")");
            return d.get(INT, 0);
        }
    }

    static String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(256);
            check(cuDeviceGetName(name, 256, device), "cuDeviceGetName");
            return name.getString(0);
        }
    }

    static long totalMemory(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(LONG);
            check(cuDeviceTotalMem_v2(bytes, device), "cuDeviceTotalMem_v2");
            return bytes.get(LONG, 0);
        }
    }

    static int attribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(INT);
            check(cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
            return v.get(INT, 0);
        }
    }

    /** Compute capability as 10·major + minor (90 for an H100/H200). */
    static int computeCapability(int device) {
        return 10 * attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR(), device)
                + attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR(), device);
    }

    static int multiprocessorCount(int device) {
        return attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT(), device);
    }

    // ---------------------------------------------------------------- context and streams (owner thread)

    /** Retains the device's primary context and makes it current on the calling thread. */
    static Context retainPrimaryContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ADDRESS);
            check(cuDevicePrimaryCtxRetain(p, device), "cuDevicePrimaryCtxRetain");
            Context ctx = new Context(p.get(ADDRESS, 0));
            check(cuCtxSetCurrent(ctx.handle()), "cuCtxSetCurrent");
            return ctx;
        }
    }

    static void releasePrimaryContext(int device) {
        check(cuCtxSetCurrent(MemorySegment.NULL), "cuCtxSetCurrent(NULL)");
        check(cuDevicePrimaryCtxRelease_v2(device), "cuDevicePrimaryCtxRelease_v2");
    }

    /** A stream that does not synchronise with the legacy default stream. */
    static Stream createStream() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ADDRESS);
            check(cuStreamCreate(p, CU_STREAM_NON_BLOCKING()), "cuStreamCreate");
            return new Stream(p.get(ADDRESS, 0));
        }
    }

    static void destroyStream(Stream s) {
        check(cuStreamDestroy_v2(s.handle()), "cuStreamDestroy_v2");
    }

    static void synchronize(Stream s) {
        check(cuStreamSynchronize(s.handle()), "cuStreamSynchronize");
    }

    // ---------------------------------------------------------------- memory

    /** {free, total} device memory in bytes. */
    static long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(LONG), total = arena.allocate(LONG);
            check(cuMemGetInfo_v2(free, total), "cuMemGetInfo_v2");
            return new long[] {free.get(LONG, 0), total.get(LONG, 0)};
        }
    }

    /** Device allocation; returns the device address (never dereference it on the host). */
    static long malloc(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(LONG);
            check(cuMemAlloc_v2(p, bytes), "cuMemAlloc_v2(" + bytes + " bytes)");
            return p.get(LONG, 0);
        }
    }

    static void free(long devicePtr) {
        check(cuMemFree_v2(devicePtr), "cuMemFree_v2");
    }

    /** Page-locked host memory of {@code bytes}, as a host segment (free with {@link #freeHost}). */
    static MemorySegment mallocHost(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ADDRESS);
            check(cuMemAllocHost_v2(p, bytes), "cuMemAllocHost_v2(" + bytes + " bytes)");
            return p.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    static void freeHost(MemorySegment host) {
        check(cuMemFreeHost(host), "cuMemFreeHost");
    }

    static void copyHostToDevice(long dst, MemorySegment src, long bytes, Stream s) {
        check(cuMemcpyHtoDAsync_v2(dst, src, bytes, s.handle()), "cuMemcpyHtoDAsync_v2");
    }

    static void copyDeviceToHost(MemorySegment dst, long src, long bytes, Stream s) {
        check(cuMemcpyDtoHAsync_v2(dst, src, bytes, s.handle()), "cuMemcpyDtoHAsync_v2");
    }

    static void copyDeviceToDevice(long dst, long src, long bytes, Stream s) {
        check(cuMemcpyDtoDAsync_v2(dst, src, bytes, s.handle()), "cuMemcpyDtoDAsync_v2");
    }

    /** Sets {@code count} 32-bit words at {@code dst} to {@code bits}. */
    static void memset32(long dst, int bits, long count, Stream s) {
        check(cuMemsetD32Async(dst, bits, count, s.handle()), "cuMemsetD32Async");
    }

    // ---------------------------------------------------------------- modules and launches

    /**
     * Loads a cubin or NUL-terminated PTX image. On failure the exception carries the JIT error
     * log (relevant for PTX, which the driver compiles here).
     */
    static Module loadModule(byte[] image, String what) {
        final int logSize = 16 * 1024;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment img = arena.allocate(image.length + 1L, 16);
            MemorySegment.copy(image, 0, img, ValueLayout.JAVA_BYTE, 0, image.length);
            MemorySegment errorLog = arena.allocate(logSize);
            MemorySegment infoLog = arena.allocate(logSize);
            MemorySegment options = arena.allocateFrom(INT,
                    CU_JIT_ERROR_LOG_BUFFER(), CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES(),
                    CU_JIT_INFO_LOG_BUFFER(), CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES());
            MemorySegment values = arena.allocate(ADDRESS, 4);
            values.setAtIndex(ADDRESS, 0, errorLog);
            values.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(logSize)); // a size passed in the pointer slot
            values.setAtIndex(ADDRESS, 2, infoLog);
            values.setAtIndex(ADDRESS, 3, MemorySegment.ofAddress(logSize));
            MemorySegment p = arena.allocate(ADDRESS);
            int status = cuModuleLoadDataEx(p, img, 4, options, values);
            if (status != CUDA_SUCCESS()) {
                throw new CudaException("cuModuleLoadDataEx(" + what + ") failed: " + errorName(status) + " (" + status
                        + "): " + errorString(status) + "\nJIT error log:\n" + errorLog.getString(0)
                        + "\nJIT info log:\n" + infoLog.getString(0));
            }
            return new Module(p.get(ADDRESS, 0));
        }
    }

    static void unloadModule(Module m) {
        check(cuModuleUnload(m.handle()), "cuModuleUnload");
    }

    static Function function(Module m, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(ADDRESS);
            check(cuModuleGetFunction(p, m.handle(), arena.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return new Function(p.get(ADDRESS, 0), name);
        }
    }

    /** cuLaunchKernel with {@code params} a {@code void*[]} of pointers to the argument values. */
    static void launch(Function f, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                       int sharedBytes, Stream s, MemorySegment params) {
        int status = cuLaunchKernel(f.handle(), gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                s.handle(), params, MemorySegment.NULL);
        if (status != CUDA_SUCCESS()) {
            throw new CudaException("cuLaunchKernel(" + f.name() + ", grid " + gridX + "x" + gridY + "x" + gridZ
                    + ", block " + blockX + "x" + blockY + "x" + blockZ + ")", status, errorName(status), errorString(status));
        }
    }
}
