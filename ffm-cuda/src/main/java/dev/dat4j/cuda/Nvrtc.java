package dev.dat4j.cuda;

import dev.dat4j.cuda.generated.NvrtcApi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static dev.dat4j.cuda.generated.NvrtcApi.*;

/**
 * Checked wrappers over the generated NVRTC API ({@link NvrtcApi}): compiles CUDA C source to a
 * cubin for one GPU architecture (or to PTX when NVRTC is older than the GPU). A failed compile
 * throws {@link CudaException} carrying NVRTC's program log.
 *
 * <p>Only touch this class after {@link NativeLibraries#nvrtc()} reported the library loaded.
 */
final class Nvrtc {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout ADDRESS = ValueLayout.ADDRESS;

    /** Compiled code: a cubin (loaded as is) or PTX (JIT-compiled by the driver). */
    record Image(byte[] bytes, boolean isPtx) {}

    private Nvrtc() {}

    static void check(int status, String call) {
        if (status != NVRTC_SUCCESS()) {
            throw new CudaException(call, status, errorString(status), "");
        }
    }

    static String errorString(int status) {
        return nvrtcGetErrorString(status).reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** "major.minor" of the loaded NVRTC. */
    static String version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(INT), minor = arena.allocate(INT);
            check(nvrtcVersion(major, minor), "nvrtcVersion");
            return major.get(INT, 0) + "." + minor.get(INT, 0);
        }
    }

    /** The SM architectures NVRTC can produce cubins for, as 10·major + minor, ascending. */
    static int[] supportedArchitectures() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(INT);
            check(nvrtcGetNumSupportedArchs(n), "nvrtcGetNumSupportedArchs");
            MemorySegment archs = arena.allocate(INT, n.get(INT, 0));
            check(nvrtcGetSupportedArchs(archs), "nvrtcGetSupportedArchs");
            return archs.toArray(INT);
        }
    }

    /**
     * Compiles {@code source} for compute capability {@code arch} (e.g. 90). When NVRTC knows the
     * architecture the result is a cubin ({@code -arch=sm_90}); otherwise PTX for the newest virtual
     * architecture it knows, which the driver JIT-compiles for the GPU.
     */
    static Image compile(String source, String fileName, int arch, List<String> extraOptions) {
        int[] supported = supportedArchitectures();
        boolean cubinTarget = false;
        int target = supported[0];
        for (int a : supported) {
            if (a == arch) cubinTarget = true;
            if (a <= arch) target = Math.max(target, a);
        }
        String archOption = cubinTarget ? "--gpu-architecture=sm_" + arch : "--gpu-architecture=compute_" + target;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment progPtr = arena.allocate(ADDRESS);
            check(nvrtcCreateProgram(progPtr, arena.allocateFrom(source), arena.allocateFrom(fileName), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram(" + fileName + ")");
            MemorySegment prog = progPtr.get(ADDRESS, 0);
            try {
                List<String> options = new java.util.ArrayList<>(List.of(archOption, "--std=c++17", "-default-device"));
                options.addAll(extraOptions);
                MemorySegment opts = arena.allocate(ADDRESS, options.size());
                for (int i = 0; i < options.size(); i++) opts.setAtIndex(ADDRESS, i, arena.allocateFrom(options.get(i)));
                int status = nvrtcCompileProgram(prog, options.size(), opts);
                if (status != NVRTC_SUCCESS()) {
                    throw new CudaException("NVRTC failed to compile " + fileName + " with " + options + ": "
                            + errorString(status) + " (" + status + ")\nprogram log:\n" + programLog(arena, prog));
                }
                return cubinTarget ? new Image(cubin(arena, prog), false) : new Image(ptx(arena, prog), true);
            } finally {
                nvrtcDestroyProgram(progPtr);
            }
        }
    }

    private static String programLog(Arena arena, MemorySegment prog) {
        MemorySegment size = arena.allocate(LONG);
        check(nvrtcGetProgramLogSize(prog, size), "nvrtcGetProgramLogSize");
        MemorySegment log = arena.allocate(Math.max(1, size.get(LONG, 0)));
        check(nvrtcGetProgramLog(prog, log), "nvrtcGetProgramLog");
        return log.getString(0);
    }

    private static byte[] cubin(Arena arena, MemorySegment prog) {
        MemorySegment size = arena.allocate(LONG);
        check(nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
        MemorySegment bin = arena.allocate(size.get(LONG, 0));
        check(nvrtcGetCUBIN(prog, bin), "nvrtcGetCUBIN");
        return bin.toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] ptx(Arena arena, MemorySegment prog) {
        MemorySegment size = arena.allocate(LONG);
        check(nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
        MemorySegment text = arena.allocate(size.get(LONG, 0));
        check(nvrtcGetPTX(prog, text), "nvrtcGetPTX");
        return text.toArray(ValueLayout.JAVA_BYTE); // includes the terminating NUL
    }
}
