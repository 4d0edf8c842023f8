package dev.dat4j.cuda;

import dev.dat4j.cuda.generated.CublasApi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.dat4j.cuda.generated.CublasApi.*;

/**
 * One cuBLAS handle bound to one stream, with the row-major GEMMs {@link CudaBackend} needs.
 *
 * <p>cuBLAS is column-major. A row-major (r, c) matrix with leading dimension ld is the same memory
 * as a column-major (c, r) matrix, i.e. its transpose. So row-major C = op(A)·op(B) is computed as
 * column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands, swap m and n, keep each operand's transpose
 * flag. All calls happen on the device's owner thread.
 *
 * <p>Only touch this class after {@link NativeLibraries#cublas()} reported the library loaded.
 */
final class Cublas implements AutoCloseable {
    private static final java.lang.foreign.AddressLayout ADDRESS = ValueLayout.ADDRESS;

    private final MemorySegment handle;
    /** Host-side alpha and beta (cuBLAS's default host pointer mode), reused by every call. */
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment alpha = arena.allocate(ValueLayout.JAVA_FLOAT);
    private final MemorySegment beta = arena.allocate(ValueLayout.JAVA_FLOAT);

    Cublas(CudaDriver.Stream stream) {
        MemorySegment p = arena.allocate(ADDRESS);
        check(cublasCreate_v2(p), "cublasCreate_v2");
        handle = p.get(ADDRESS, 0);
        check(cublasSetStream_v2(handle, stream.handle()), "cublasSetStream_v2");
    }

    static void check(int status, String call) {
        if (status != CUBLAS_STATUS_SUCCESS()) {
            throw new CudaException(call, status, cublasGetStatusName(status).reinterpret(Long.MAX_VALUE).getString(0),
                    cublasGetStatusString(status).reinterpret(Long.MAX_VALUE).getString(0));
        }
    }

    /** cuBLAS version as an integer (e.g. 130000 for 13.0.0). Needs no handle beyond this one. */
    int version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            check(cublasGetVersion_v2(handle, v), "cublasGetVersion_v2");
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /**
     * Row-major GEMM, strided over {@code batch} matrices (strides in elements; 0 broadcasts).
     * Pointers are device addresses of element 0. For {@link GemmPrecision#BF16}, {@code a} and
     * {@code b} must hold bf16 copies of the operands (see convert.cu); cuBLAS then accumulates in
     * f32 (CUBLAS_COMPUTE_32F) and writes C in bf16 when {@code bf16C} (CUDA_R_16BF in, CUDA_R_16BF
     * out, as torch.matmul on bf16 tensors), else in f32. TF32 keeps f32 operands and lets cuBLAS
     * round them for the tensor cores (CUBLAS_COMPUTE_32F_FAST_TF32). alpha and beta are f32 either way.
     */
    void gemm(GemmPrecision precision, boolean bf16C, boolean transA, boolean transB, int m, int n, int k,
              float alphaValue, long a, int lda, long strideA, long b, int ldb, long strideB,
              float betaValue, long c, int ldc, long strideC, int batch) {
        if (bf16C && precision != GemmPrecision.BF16) throw new IllegalStateException("bf16 C needs bf16 operands");
        alpha.set(ValueLayout.JAVA_FLOAT, 0, alphaValue);
        beta.set(ValueLayout.JAVA_FLOAT, 0, betaValue);
        int opA = transA ? CUBLAS_OP_T() : CUBLAS_OP_N();
        int opB = transB ? CUBLAS_OP_T() : CUBLAS_OP_N();
        int in = precision == GemmPrecision.BF16 ? CUDA_R_16BF() : CUDA_R_32F();
        int out = bf16C ? CUDA_R_16BF() : CUDA_R_32F();
        int compute = precision == GemmPrecision.TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32() : CUBLAS_COMPUTE_32F();
        String types = precision + (bf16C ? ", bf16 C" : "");
        // Column-major Cᵀ (n×m) = op(B)ᵀ (n×k) · op(A)ᵀ (k×m).
        if (batch == 1) {
            check(cublasGemmEx(handle, opB, opA, n, m, k, alpha,
                    ptr(b), in, ldb, ptr(a), in, lda, beta, ptr(c), out, ldc, compute, CUBLAS_GEMM_DEFAULT()),
                    "cublasGemmEx(m=" + m + ", n=" + n + ", k=" + k + ", " + types + ")");
        } else {
            check(cublasGemmStridedBatchedEx(handle, opB, opA, n, m, k, alpha,
                    ptr(b), in, ldb, strideB, ptr(a), in, lda, strideA, beta, ptr(c), out, ldc, strideC, batch,
                    compute, CUBLAS_GEMM_DEFAULT()),
                    "cublasGemmStridedBatchedEx(m=" + m + ", n=" + n + ", k=" + k + ", batch=" + batch + ", " + types + ")");
        }
    }

    /** A device address as the zero-length segment the bindings take (never dereferenced here). */
    private static MemorySegment ptr(long deviceAddress) {
        return MemorySegment.ofAddress(deviceAddress);
    }

    @Override
    public void close() {
        check(cublasDestroy_v2(handle), "cublasDestroy_v2");
        arena.close();
    }
}
