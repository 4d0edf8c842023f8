package dev.dat4j.cuda;

import java.util.Locale;

/**
 * How cuBLAS computes the f32 GEMMs of {@link CudaBackend}: inputs and outputs stay f32 buffers,
 * only the arithmetic inside the GEMM changes. A GEMM given a bf16 buffer (operand or output, see
 * {@link CudaBackend#bf16Copy} and {@link CudaBackend#bf16Buffer}) computes in BF16 whatever is set.
 */
public enum GemmPrecision {
    /** IEEE f32 multiply-adds (CUBLAS_COMPUTE_32F): matches the CPU backends to rounding. */
    F32,
    /** Tensor cores on TF32-rounded inputs (10-bit mantissa), f32 accumulation. */
    TF32,
    /**
     * Tensor cores on bf16 copies of the inputs (7-bit mantissa, rounded to nearest even by a
     * conversion kernel), f32 accumulation and output.
     */
    BF16;

    /** System property selecting the default: {@code -Ddat4j.cuda.gemm=f32|tf32|bf16}. */
    public static final String PROPERTY = "dat4j.cuda.gemm";

    /** Parses "f32", "tf32" or "bf16" (any case). */
    public static GemmPrecision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GEMM precision '" + s + "': expected f32, tf32 or bf16");
        }
    }

    /** The precision named by {@link #PROPERTY}, or F32. */
    public static GemmPrecision fromSystemProperty() {
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() ? F32 : parse(v);
    }
}
