package dev.dat4j.vecops;

import java.util.List;

/**
 * What a backend on an accelerator (the CUDA backend of {@code ffm-cuda}) offers beyond
 * {@link Backend}, reachable without a compile-time dependency on the device module:
 * {@code if (backend instanceof AcceleratorBackend acc) acc.setOption("gemm", "tf32");}.
 */
public interface AcceleratorBackend extends Backend {

    /** Names of the options {@link #setOption} accepts, e.g. {@code [gemm]}. */
    List<String> optionNames();

    /** Current value of an option, e.g. {@code option("gemm")} is {@code "f32"}. */
    String option(String name);

    /**
     * Sets an option from now on, e.g. {@code ("gemm", "bf16")}. An unknown name or value throws
     * {@link IllegalArgumentException} naming what is accepted.
     */
    void setOption(String name, String value);

    /**
     * A copy of the first {@code n} float elements of {@code src}, converted once to bfloat16 and owned
     * by {@code scope} (a scope of this backend), for use as operand A or B of {@link #gemm} or
     * {@link #gemmBatched}, which then skip their own conversion (the operand stays resident in bf16).
     * A GEMM with such an operand computes in bf16 (f32 accumulation; f32 output unless C is a
     * {@link #bf16Buffer}) whatever the {@code gemm} option, converting its other f32 operand. Unlike
     * every other {@link Buffer}, its {@code length()} and {@code slice} count bf16 (2-byte) elements;
     * no op but the GEMMs and {@link #bf16ToFloat} accepts it.
     */
    Buffer bf16Copy(MemoryScope scope, Buffer src, long n);

    /**
     * A zeroed buffer of {@code n} bfloat16 elements owned by {@code scope} (a scope of this backend),
     * for use as the output C of {@link #gemm} or {@link #gemmBatched}: such a GEMM computes in bf16
     * whatever the {@code gemm} option (bf16 operands, converting any f32 one, f32 accumulation) and
     * writes C rounded to bf16 — bf16 in, bf16 out, as {@code torch.matmul} on bf16 tensors. A
     * non-zero beta reads C's bf16 values. The buffer may then be operand A or B of another GEMM;
     * like a {@link #bf16Copy}, it counts bf16 elements and no op but the GEMMs and
     * {@link #bf16ToFloat} accepts it ({@code bf16Copy} buffers may likewise be a GEMM's C).
     */
    Buffer bf16Buffer(MemoryScope scope, long n);

    /** dst[0..n) = the first {@code n} elements of the bf16 buffer {@code src}, widened (exactly) to f32. */
    void bf16ToFloat(Buffer src, Buffer dst, long n);

    /** Most device memory held by this backend's buffers since the last {@link #resetPeakMemory} (bytes). */
    long peakMemoryBytes();

    /** Starts a new peak-memory measurement from the memory held now. */
    void resetPeakMemory();
}
