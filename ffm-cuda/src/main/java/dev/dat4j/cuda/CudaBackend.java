package dev.dat4j.cuda;

import dev.dat4j.vecops.AcceleratorBackend;
import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.BinaryOp;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.ReduceOp;
import dev.dat4j.vecops.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Locale;

/**
 * The {@link Backend} on one NVIDIA GPU: GEMMs through cuBLAS, every other op as a CUDA C kernel
 * from {@code resources/dev/dat4j/cuda/kernels} compiled at run time by NVRTC.
 *
 * <p>All work runs on the device's owner thread and, in order, on one stream. An op without a
 * result returns as soon as it is queued for that thread (its arguments checked first); a failure
 * while launching it is thrown by the next call. {@link #read}, {@link #sumOfSquares} and the
 * index-checking ops wait for the stream. {@code -Ddat4j.cuda.sync=true} waits after every op, so
 * that a launch failure or an asynchronous kernel fault is reported by the op that caused it
 * (slow; for debugging).
 *
 * <p>Buffer sizes are checked on the host before every launch: a GPU kernel that runs past a
 * buffer corrupts memory silently, where the CPU backends would throw.
 */
public final class CudaBackend implements AcceleratorBackend, AutoCloseable {
    /** The one {@link AcceleratorBackend#setOption} name: GEMM arithmetic, a {@link GemmPrecision} name. */
    public static final String GEMM_OPTION = "gemm";

    /** Threads per block of 1-D and row kernels. */
    private static final int BLOCK = 256;

    private final CudaDevice device;
    private final boolean syncEveryOp = Boolean.getBoolean("dat4j.cuda.sync");
    private final int maxBlocks;
    private volatile GemmPrecision gemmPrecision = GemmPrecision.fromSystemProperty();

    CudaBackend(CudaDevice device) {
        this.device = device;
        this.maxBlocks = Math.max(1, device.multiprocessors) * 16;
    }

    @Override
    public String name() {
        return "cuda:" + device.ordinal;
    }

    /** The GPU's name, e.g. "NVIDIA H200". */
    public String deviceName() {
        return device.name;
    }

    /** Compute capability as 10·major + minor. */
    public int computeCapability() {
        return device.computeCapability;
    }

    public GemmPrecision gemmPrecision() {
        return gemmPrecision;
    }

    /** Selects how GEMMs compute from now on (default: {@code -Ddat4j.cuda.gemm}, else F32). */
    public void setGemmPrecision(GemmPrecision precision) {
        this.gemmPrecision = java.util.Objects.requireNonNull(precision);
    }

    /** Waits until all enqueued work of this device has finished. */
    @Override
    public void synchronize() {
        device.run(device::synchronize);
    }

    /** {free, total} device memory in bytes, as the driver reports it. */
    public long[] memoryInfo() {
        return device.memoryInfo();
    }

    /** Bytes handed out by the caching allocator and not yet returned by a closed scope. */
    public long liveBytes() {
        return device.call(() -> device.allocator().liveBytes());
    }

    @Override
    public long peakMemoryBytes() {
        return device.call(() -> device.allocator().peakLiveBytes());
    }

    @Override
    public void resetPeakMemory() {
        device.run(() -> device.allocator().resetPeak());
    }

    @Override
    public List<String> optionNames() {
        return List.of(GEMM_OPTION);
    }

    @Override
    public String option(String name) {
        checkOptionName(name);
        return gemmPrecision.name().toLowerCase(Locale.ROOT);
    }

    /** {@code ("gemm", "f32" | "tf32" | "bf16")}: same as {@link #setGemmPrecision}. */
    @Override
    public void setOption(String name, String value) {
        checkOptionName(name);
        setGemmPrecision(GemmPrecision.parse(value));
    }

    private void checkOptionName(String name) {
        if (!GEMM_OPTION.equals(name)) {
            throw new IllegalArgumentException("unknown option '" + name + "' of " + name() + ": expected one of " + optionNames());
        }
    }

    /** Frees the allocator's cached (unused) device blocks back to the driver. */
    public void trimCache() {
        device.run(() -> device.allocator().trim());
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Queues an op on the owner thread without waiting for it; its arguments were validated on the
     * caller's thread. With {@code dat4j.cuda.sync} it waits for the op and the GPU instead.
     */
    private void op(Runnable work) {
        if (!syncEveryOp) {
            device.submit(work);
            return;
        }
        device.run(() -> {
            work.run();
            device.synchronize();
        });
    }

    /** Device address of a buffer that must be a CUDA buffer of this device with at least {@code need} elements. */
    private long ptr(Buffer b, long need, String what) {
        if (!(b instanceof CudaBuffer cb)) {
            throw new IllegalArgumentException(what + ": expected a CUDA buffer, got "
                    + (b == null ? "null" : b.getClass().getSimpleName()));
        }
        if (cb.scope().backend() != this) {
            throw new IllegalArgumentException(what + ": buffer belongs to " + cb.scope().backendName() + ", not " + name());
        }
        if (cb.isBf16()) {
            throw new IllegalArgumentException(what + ": a bf16 buffer can only be operand A, B or C of a GEMM"
                    + " or the source of bf16ToFloat");
        }
        if (cb.length() < need) {
            throw new IllegalArgumentException(what + ": buffer has " + cb.length() + " elements, the op needs " + need);
        }
        return cb.address();
    }

    /** Like {@link #ptr} for a GEMM's A, B or C, or bf16ToFloat's source, which may also be bf16. */
    private long bf16OrF32Ptr(Buffer b, long need, String what) {
        if (b instanceof CudaBuffer cb && cb.isBf16() && cb.scope().backend() == this) {
            if (cb.length() < need) {
                throw new IllegalArgumentException(what + ": bf16 buffer has " + cb.length() + " elements, the op needs " + need);
            }
            return cb.address();
        }
        return ptr(b, need, what);
    }

    private static boolean isBf16(Buffer b) {
        return b instanceof CudaBuffer cb && cb.isBf16();
    }

    /** Like {@link #ptr} but null (an absent optional tensor) becomes address 0. */
    private long ptrOrNull(Buffer b, long need, String what) {
        return b == null ? 0L : ptr(b, need, what);
    }

    private int blocksFor(long n) {
        return (int) Math.min(maxBlocks, (n + BLOCK - 1) / BLOCK);
    }

    /** A 1-D grid-stride launch over n elements (nothing for n == 0). */
    private void launch1d(String family, String kernel, long n, Object... args) {
        if (n > 0) device.launch(family, kernel, blocksFor(n), 1, BLOCK, 1, 0, args);
    }

    /** One block per row, rows ≤ 2³¹−1. */
    private void launchRows(String family, String kernel, int rows, Object... args) {
        if (rows > 0) device.launch(family, kernel, rows, 1, BLOCK, 1, 0, args);
    }

    private static void checkCount(long n, String what) {
        if (n < 0) throw new IllegalArgumentException(what + " must be >= 0, got " + n);
    }

    // ---------------------------------------------------------------- memory

    @Override
    public CudaMemoryScope newScope() {
        return new CudaMemoryScope(this, device);
    }

    @Override
    public void write(Buffer dst, float[] src) {
        long d = ptr(dst, src.length, "write");
        device.run(() -> device.upload(MemorySegment.ofArray(src), d, 4L * src.length));
    }

    @Override
    public void read(Buffer src, float[] dst) {
        long s = ptr(src, dst.length, "read");
        device.run(() -> device.download(s, MemorySegment.ofArray(dst), 4L * dst.length));
    }

    @Override
    public void writeInts(Buffer dst, int[] src) {
        long d = ptr(dst, src.length, "writeInts");
        device.run(() -> device.upload(MemorySegment.ofArray(src), d, 4L * src.length));
    }

    @Override
    public void readInts(Buffer src, int[] dst) {
        long s = ptr(src, dst.length, "readInts");
        device.run(() -> device.download(s, MemorySegment.ofArray(dst), 4L * dst.length));
    }

    @Override
    public void fill(Buffer x, long n, float value) {
        checkCount(n, "fill n");
        long p = ptr(x, n, "fill");
        if (n > 0) op(() -> CudaDriver.memset32(p, Float.floatToRawIntBits(value), n, device.stream()));
    }

    @Override
    public void copy(Buffer src, Buffer dst, long n) {
        checkCount(n, "copy n");
        long s = ptr(src, n, "copy src"), d = ptr(dst, n, "copy dst");
        if (n > 0) op(() -> CudaDriver.copyDeviceToDevice(d, s, 4 * n, device.stream()));
    }

    // ---------------------------------------------------------------- GEMM (cuBLAS)

    /** Elements spanned by a row-major (rows, cols) matrix with leading dimension ld. */
    private static long span(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, int lda,
                     Buffer b, int ldb, float beta, Buffer c, int ldc) {
        gemmBatched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            Buffer a, int lda, long strideA, Buffer b, int ldb, long strideB,
                            float beta, Buffer c, int ldc, long strideC, int batch) {
        if (m < 0 || n < 0 || k < 0 || batch < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k + " batch=" + batch);
        }
        if (batch > 1 && strideC == 0) throw new IllegalArgumentException("gemmBatched: strideC must not be 0");
        if (m == 0 || n == 0 || batch == 0) return;
        long spanA = transA ? span(k, m, lda) : span(m, k, lda);
        long spanB = transB ? span(n, k, ldb) : span(k, n, ldb);
        long elementsA = (batch - 1) * strideA + spanA, elementsB = (batch - 1) * strideB + spanB;
        long pa = bf16OrF32Ptr(a, elementsA, "gemm A"), pb = bf16OrF32Ptr(b, elementsB, "gemm B");
        long pc = bf16OrF32Ptr(c, (batch - 1) * strideC + span(m, n, ldc), "gemm C");
        boolean residentA = isBf16(a), residentB = isBf16(b), bf16C = isBf16(c);
        // Any bf16 buffer makes the whole GEMM bf16: a bf16 C is written from bf16 operands only.
        GemmPrecision precision = residentA || residentB || bf16C ? GemmPrecision.BF16 : gemmPrecision;
        op(() -> {
            if (precision != GemmPrecision.BF16) {
                device.cublas().gemm(precision, false, transA, transB, m, n, k, alpha, pa, lda, strideA,
                        pb, ldb, strideB, beta, pc, ldc, strideC, batch);
                return;
            }
            // bf16 copies of the f32 operands in scratch blocks, released as soon as the GEMM is
            // enqueued: stream order keeps them intact until it has run. Resident bf16 operands
            // (bf16Copy) are used as they are.
            DeviceAllocator allocator = device.allocator();
            long a16 = residentA ? pa : allocator.allocate(2 * elementsA);
            long b16 = residentB ? pb : allocator.allocate(2 * elementsB);
            try {
                if (!residentA) convertToBf16(pa, a16, elementsA);
                if (!residentB) convertToBf16(pb, b16, elementsB);
                device.cublas().gemm(precision, bf16C, transA, transB, m, n, k, alpha, a16, lda, strideA,
                        b16, ldb, strideB, beta, pc, ldc, strideC, batch);
            } finally {
                if (!residentA) allocator.release(a16, 2 * elementsA);
                if (!residentB) allocator.release(b16, 2 * elementsB);
            }
        });
    }

    /**
     * A bf16 copy of {@code src}'s first {@code n} floats (rounded to nearest even, as the bf16 GEMM
     * rounds), owned by {@code scope}: a GEMM operand that is converted once instead of on every call.
     */
    @Override
    public CudaBuffer bf16Copy(MemoryScope scope, Buffer src, long n) {
        checkCount(n, "bf16Copy n");
        CudaMemoryScope cs = ownScope(scope, "bf16Copy");
        long ps = ptr(src, n, "bf16Copy src");
        CudaBuffer copy = cs.allocateBf16(n);
        long pd = copy.address();
        op(() -> convertToBf16(ps, pd, n));
        return copy;
    }

    /** A zeroed bf16 buffer owned by {@code scope}: the output C of a bf16-in, bf16-out GEMM. */
    @Override
    public CudaBuffer bf16Buffer(MemoryScope scope, long n) {
        checkCount(n, "bf16Buffer n");
        return ownScope(scope, "bf16Buffer").allocateBf16(n);
    }

    @Override
    public void bf16ToFloat(Buffer src, Buffer dst, long n) {
        checkCount(n, "bf16ToFloat n");
        if (!isBf16(src)) throw new IllegalArgumentException("bf16ToFloat src: expected a bf16 buffer (bf16Copy or bf16Buffer), got " + src);
        long ps = bf16OrF32Ptr(src, n, "bf16ToFloat src"), pd = ptr(dst, n, "bf16ToFloat dst");
        op(() -> launch1d("convert", "bf16_to_f32", n, ps, pd, n));
    }

    private CudaMemoryScope ownScope(MemoryScope scope, String what) {
        if (!(scope instanceof CudaMemoryScope cs) || cs.backend() != this) {
            throw new IllegalArgumentException(what + ": scope must be a memory scope of " + name());
        }
        return cs;
    }

    /** dst[0..n) = bf16(src[0..n)) (convert.cu: two elements per thread step). */
    private void convertToBf16(long src, long dst, long n) {
        if (n > 0) device.launch("convert", "f32_to_bf16", blocksFor((n + 1) / 2), 1, BLOCK, 1, 0, src, dst, n);
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out) {
        StridedShape s = StridedShape.of(shape, srcStrides, null);
        long n = s.volume();
        long ps = ptr(src, s.extentA(), "copyStrided src"), po = ptr(out, n, "copyStrided out");
        op(() -> launch1d("elementwise", "copy_strided", n, ps, po, n, s.packed()));
    }

    @Override
    public void binary(BinaryOp op, int[] shape, Buffer a, long[] aStrides, Buffer b, long[] bStrides, Buffer out) {
        StridedShape s = StridedShape.of(shape, aStrides, bStrides);
        long n = s.volume();
        long pa = ptr(a, s.extentA(), "binary a"), pb = ptr(b, s.extentB(), "binary b"), po = ptr(out, n, "binary out");
        int code = binaryCode(op);
        op(() -> launch1d("elementwise", "binary_strided", n, pa, pb, po, n, code, s.packed()));
    }

    @Override
    public void unary(UnaryOp op, long n, Buffer x, Buffer y) {
        checkCount(n, "unary n");
        long px = ptr(x, n, "unary x"), py = ptr(y, n, "unary y");
        int code = unaryCode(op);
        op(() -> launch1d("elementwise", "unary_forward", n, px, py, n, code));
    }

    @Override
    public void unaryBackward(UnaryOp op, long n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        checkCount(n, "unaryBackward n");
        long px = ptr(x, n, "unaryBackward x"), py = ptr(y, n, "unaryBackward y");
        long pdy = ptr(dy, n, "unaryBackward dy"), pdx = ptr(dx, n, "unaryBackward dx");
        int code = unaryCode(op);
        op(() -> launch1d("elementwise", "unary_backward", n, px, py, pdy, pdx, n, code));
    }

    @Override
    public void affine(long n, Buffer x, float alpha, float beta, Buffer y) {
        checkCount(n, "affine n");
        long px = ptr(x, n, "affine x"), py = ptr(y, n, "affine y");
        op(() -> launch1d("elementwise", "affine", n, px, py, n, alpha, beta));
    }

    @Override
    public void pow(long n, Buffer x, float p, Buffer y) {
        checkCount(n, "pow n");
        long px = ptr(x, n, "pow x"), py = ptr(y, n, "pow y");
        op(() -> launch1d("elementwise", "power", n, px, py, n, p));
    }

    @Override
    public void axpy(long n, float alpha, Buffer x, Buffer y) {
        checkCount(n, "axpy n");
        long px = ptr(x, n, "axpy x"), py = ptr(y, n, "axpy y");
        op(() -> launch1d("elementwise", "axpy", n, px, py, n, alpha));
    }

    @Override
    public void where(long n, Buffer cond, Buffer a, Buffer b, Buffer out) {
        checkCount(n, "where n");
        long pc = ptr(cond, n, "where cond"), pa = ptr(a, n, "where a"), pb = ptr(b, n, "where b");
        long po = ptr(out, n, "where out");
        op(() -> launch1d("elementwise", "where_select", n, pc, pa, pb, po, n));
    }

    /** Kernel op codes of elementwise.cu (an exhaustive switch: a new enum constant fails to compile here). */
    static int unaryCode(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case ABS -> 1;
            case EXP -> 2;
            case LOG -> 3;
            case SQRT -> 4;
            case RSQRT -> 5;
            case SQUARE -> 6;
            case RECIPROCAL -> 7;
            case TANH -> 8;
            case SIGMOID -> 9;
            case RELU -> 10;
            case GELU_TANH -> 11;
            case SILU -> 12;
        };
    }

    static int binaryCode(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case MAX -> 4;
            case MIN -> 5;
            case EQ -> 6;
            case GT -> 7;
        };
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, int outer, int n, int inner, Buffer x, Buffer y) {
        checkCount(Math.min(Math.min(outer, n), inner), "reduce sizes");
        long px = ptr(x, (long) outer * n * inner, "reduce x"), py = ptr(y, (long) outer * inner, "reduce y");
        int code = switch (op) {
            case SUM -> 0;
            case MEAN -> 1;
            case MAX -> 2;
            case MIN -> 3;
        };
        if ((long) outer * inner == 0) return;
        op(() -> {
            if (inner == 1) {
                device.launch("reduce", "reduce_rows", outer, 1, BLOCK, 1, 0, px, py, n, code);
            } else {
                long blocks = (long) outer * ((inner + 31) / 32);
                device.launch("reduce", "reduce_strided", Math.toIntExact(blocks), 1, 32, 8, 0, px, py, outer, n, inner, code);
            }
        });
    }

    @Override
    public void argmax(int outer, int n, int inner, Buffer x, Buffer idx) {
        if (n <= 0) throw new IllegalArgumentException("argmax over an empty axis (n = " + n + ")");
        checkCount(Math.min(outer, inner), "argmax sizes");
        long px = ptr(x, (long) outer * n * inner, "argmax x"), pi = ptr(idx, (long) outer * inner, "argmax idx");
        if ((long) outer * inner == 0) return;
        op(() -> {
            if (inner == 1) device.launch("reduce", "argmax_rows", outer, 1, BLOCK, 1, 0, px, pi, n);
            else launch1d("reduce", "argmax_strided", (long) outer * inner, px, pi, outer, n, inner);
        });
    }

    @Override
    public double sumOfSquares(long n, Buffer x) {
        checkCount(n, "sumOfSquares n");
        long px = ptr(x, n, "sumOfSquares x");
        if (n == 0) return 0;
        return device.call(() -> {
            long out = device.allocator().allocate(8);
            try {
                CudaDriver.memset32(out, 0, 2, device.stream());
                launch1d("reduce", "sum_of_squares", n, px, n, out);
                MemorySegment result = MemorySegment.ofArray(new double[1]);
                device.download(out, result, 8);
                return result.get(ValueLayout.JAVA_DOUBLE, 0);
            } finally {
                device.allocator().release(out, 8);
            }
        });
    }

    // ---------------------------------------------------------------- softmax, losses, normalisation, indexing, rope, optimisers

    @Override
    public void softmax(int rows, int cols, Buffer x, float scale, int causalRows, Buffer y) {
        long px = ptr(x, (long) rows * cols, "softmax x"), py = ptr(y, (long) rows * cols, "softmax y");
        op(() -> launchRows("softmax", "softmax_forward", rows, px, py, cols, scale, causalRows));
    }

    @Override
    public void softmaxBackward(int rows, int cols, Buffer y, Buffer dy, float scale, Buffer dx) {
        long size = (long) rows * cols;
        long py = ptr(y, size, "softmaxBackward y"), pdy = ptr(dy, size, "softmaxBackward dy");
        long pdx = ptr(dx, size, "softmaxBackward dx");
        op(() -> launchRows("softmax", "softmax_backward", rows, py, pdy, pdx, cols, scale));
    }

    @Override
    public void logSoftmax(int rows, int cols, Buffer x, Buffer y) {
        long px = ptr(x, (long) rows * cols, "logSoftmax x"), py = ptr(y, (long) rows * cols, "logSoftmax y");
        op(() -> launchRows("softmax", "log_softmax_forward", rows, px, py, cols));
    }

    @Override
    public void logSoftmaxBackward(int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        long size = (long) rows * cols;
        long py = ptr(y, size, "logSoftmaxBackward y"), pdy = ptr(dy, size, "logSoftmaxBackward dy");
        long pdx = ptr(dx, size, "logSoftmaxBackward dx");
        op(() -> launchRows("softmax", "log_softmax_backward", rows, py, pdy, pdx, cols));
    }

    @Override
    public void crossEntropy(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer losses) {
        long pl = ptr(logits, (long) rows * vocab, "crossEntropy logits");
        long pt = ptr(targets, rows, "crossEntropy targets"), po = ptr(losses, rows, "crossEntropy losses");
        checked(pt, vocab, "target", err -> launchRows("softmax", "cross_entropy_forward", rows, pl, pt, po, vocab, ignoreIndex, err));
    }

    @Override
    public void crossEntropyBackward(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex,
                                     Buffer losses, Buffer dlosses, Buffer dlogits) { // losses unused: one block per row
        long pl = ptr(logits, (long) rows * vocab, "crossEntropyBackward logits");
        long pt = ptr(targets, rows, "crossEntropyBackward targets");
        long pd = ptr(dlosses, rows, "crossEntropyBackward dlosses");
        long pg = ptr(dlogits, (long) rows * vocab, "crossEntropyBackward dlogits");
        checked(pt, vocab, "target", err ->
                launchRows("softmax", "cross_entropy_backward", rows, pl, pt, pd, pg, vocab, ignoreIndex, err));
    }

    /**
     * Runs a kernel that reports out-of-range indices into the device's error slot, waits, and
     * throws like the CPU backends do: "{what} {value} at position {p} is outside [0, {bound})".
     */
    private void checked(long indices, int bound, String what, java.util.function.LongConsumer launch) {
        device.run(() -> {
            long err = device.resetErrorSlot();
            launch.accept(err);
            long position = device.readErrorSlot();
            if (position >= 0) {
                MemorySegment value = MemorySegment.ofArray(new int[1]);
                device.download(indices + 4 * position, value, 4);
                throw new IllegalArgumentException(what + " " + value.get(ValueLayout.JAVA_INT, 0) + " at position "
                        + position + " is outside [0, " + bound + ")");
            }
        });
    }

    @Override
    public void layerNorm(int rows, int cols, Buffer x, Buffer gamma, Buffer beta, float eps,
                          Buffer y, Buffer mean, Buffer rstd) {
        long size = (long) rows * cols;
        long px = ptr(x, size, "layerNorm x"), py = ptr(y, size, "layerNorm y");
        long pg = ptrOrNull(gamma, cols, "layerNorm gamma"), pb = ptrOrNull(beta, cols, "layerNorm beta");
        long pm = ptr(mean, rows, "layerNorm mean"), pr = ptr(rstd, rows, "layerNorm rstd");
        op(() -> launchRows("norm", "layer_norm_forward", rows, px, pg, pb, py, pm, pr, cols, eps));
    }

    @Override
    public void layerNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer mean, Buffer rstd,
                                  Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
        long size = (long) rows * cols;
        long px = ptr(x, size, "layerNormBackward x"), pg = ptrOrNull(gamma, cols, "layerNormBackward gamma");
        long pm = ptr(mean, rows, "layerNormBackward mean"), pr = ptr(rstd, rows, "layerNormBackward rstd");
        long pdy = ptr(dy, size, "layerNormBackward dy"), pdx = ptr(dx, size, "layerNormBackward dx");
        long pdg = ptrOrNull(dgamma, cols, "layerNormBackward dgamma"), pdb = ptrOrNull(dbeta, cols, "layerNormBackward dbeta");
        op(() -> {
            launchRows("norm", "layer_norm_backward_dx", rows, px, pg, pm, pr, pdy, pdx, cols);
            if ((pdg != 0 || pdb != 0) && cols > 0) {
                device.launch("norm", "layer_norm_backward_params", (cols + 31) / 32, 1, 32, 16, 0,
                        px, pm, pr, pdy, pdg, pdb, rows, cols);
            }
        });
    }

    @Override
    public void rmsNorm(int rows, int cols, Buffer x, Buffer gamma, float eps, Buffer y, Buffer rstd) {
        long size = (long) rows * cols;
        long px = ptr(x, size, "rmsNorm x"), py = ptr(y, size, "rmsNorm y");
        long pg = ptrOrNull(gamma, cols, "rmsNorm gamma"), pr = ptr(rstd, rows, "rmsNorm rstd");
        op(() -> launchRows("norm", "rms_norm_forward", rows, px, pg, py, pr, cols, eps));
    }

    @Override
    public void rmsNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer rstd,
                                Buffer dy, Buffer dx, Buffer dgamma) {
        long size = (long) rows * cols;
        long px = ptr(x, size, "rmsNormBackward x"), pg = ptrOrNull(gamma, cols, "rmsNormBackward gamma");
        long pr = ptr(rstd, rows, "rmsNormBackward rstd");
        long pdy = ptr(dy, size, "rmsNormBackward dy"), pdx = ptr(dx, size, "rmsNormBackward dx");
        long pdg = ptrOrNull(dgamma, cols, "rmsNormBackward dgamma");
        op(() -> {
            launchRows("norm", "rms_norm_backward_dx", rows, px, pg, pr, pdy, pdx, cols);
            if (pdg != 0 && cols > 0) {
                device.launch("norm", "rms_norm_backward_dgamma", (cols + 31) / 32, 1, 32, 16, 0, px, pr, pdy, pdg, rows, cols);
            }
        });
    }

    @Override
    public void embedding(int n, int dim, int vocab, Buffer table, Buffer ids, Buffer out) {
        long pt = ptr(table, (long) vocab * dim, "embedding table"), pi = ptr(ids, n, "embedding ids");
        long po = ptr(out, (long) n * dim, "embedding out");
        checked(pi, vocab, "token id", err -> launch1d("indexing", "embedding_forward", (long) n * dim, pt, pi, po, n, dim, vocab, err));
    }

    @Override
    public void embeddingBackward(int n, int dim, int vocab, Buffer ids, Buffer dout, Buffer dtable) {
        long pi = ptr(ids, n, "embeddingBackward ids"), pd = ptr(dout, (long) n * dim, "embeddingBackward dout");
        long pt = ptr(dtable, (long) vocab * dim, "embeddingBackward dtable");
        checked(pi, vocab, "token id", err -> {
            if ((long) vocab * dim > 0) CudaDriver.memset32(pt, 0, (long) vocab * dim, device.stream());
            launch1d("indexing", "embedding_backward", (long) n * dim, pi, pd, pt, n, dim, vocab, err);
        });
    }

    @Override
    public void gather(int outer, int n, int k, Buffer x, Buffer idx, Buffer y) {
        long px = ptr(x, (long) outer * n, "gather x"), pi = ptr(idx, (long) outer * k, "gather idx");
        long py = ptr(y, (long) outer * k, "gather y");
        checked(pi, n, "gather index", err -> launch1d("indexing", "gather_forward", (long) outer * k, px, pi, py, outer, n, k, err));
    }

    @Override
    public void gatherBackward(int outer, int n, int k, Buffer idx, Buffer dy, Buffer dx) {
        long pi = ptr(idx, (long) outer * k, "gatherBackward idx"), pdy = ptr(dy, (long) outer * k, "gatherBackward dy");
        long pdx = ptr(dx, (long) outer * n, "gatherBackward dx");
        checked(pi, n, "gather index", err -> {
            if ((long) outer * n > 0) CudaDriver.memset32(pdx, 0, (long) outer * n, device.stream());
            launch1d("indexing", "gather_backward", (long) outer * k, pi, pdy, pdx, outer, n, k, err);
        });
    }

    @Override
    public void rope(int batch, int seq, int heads, int dim, Buffer x, Buffer cos, Buffer sin, boolean inverse, Buffer y) {
        if (dim % 2 != 0) throw new IllegalArgumentException("rope: dim must be even, got " + dim);
        long size = (long) batch * seq * heads * dim;
        long px = ptr(x, size, "rope x"), py = ptr(y, size, "rope y");
        long pc = ptr(cos, (long) seq * (dim / 2), "rope cos"), ps = ptr(sin, (long) seq * (dim / 2), "rope sin");
        op(() -> launch1d("rope", "rope", size / 2, px, pc, ps, py, batch, seq, heads, dim, inverse ? 1 : 0));
    }

    @Override
    public void dropout(long n, Buffer x, float p, long seed, Buffer y) {
        checkCount(n, "dropout n");
        long px = ptr(x, n, "dropout x"), py = ptr(y, n, "dropout y");
        float keepScale = 1f / (1f - p); // computed here, as ScalarBackend does, so both round alike
        op(() -> launch1d("elementwise", "dropout", n, px, py, n, p, keepScale, seed));
    }

    @Override
    public void adamStep(long n, Buffer param, Buffer grad, Buffer m, Buffer v, float lr, float beta1, float beta2,
                         float eps, float weightDecay, boolean decoupled, int step) {
        checkCount(n, "adamStep n");
        long pp = ptr(param, n, "adamStep param"), pg = ptr(grad, n, "adamStep grad");
        long pm = ptr(m, n, "adamStep m"), pv = ptr(v, n, "adamStep v");
        float bc1 = 1f - (float) Math.pow(beta1, step);
        float bc2 = 1f - (float) Math.pow(beta2, step);
        op(() -> launch1d("optim", "adam_step", n, pp, pg, pm, pv, n, lr, beta1, beta2, eps, weightDecay,
                decoupled ? 1 : 0, bc1, bc2));
    }

    @Override
    public void sgdStep(long n, Buffer param, Buffer grad, Buffer momentumBuf, float lr, float momentum,
                        float weightDecay, boolean firstStep) {
        checkCount(n, "sgdStep n");
        long pp = ptr(param, n, "sgdStep param"), pg = ptr(grad, n, "sgdStep grad");
        long pb = momentum != 0f ? ptr(momentumBuf, n, "sgdStep momentumBuf") : 0L;
        op(() -> launch1d("optim", "sgd_step", n, pp, pg, pb, n, lr, momentum, weightDecay, firstStep ? 1 : 0));
    }

    /** Releases this device: stream, cuBLAS handle, modules, cached memory, primary context, thread. */
    @Override
    public void close() {
        device.close();
    }

    /** True once {@link #close} has run; the provider then opens a fresh backend on request. */
    public boolean isClosed() {
        return device.isClosed();
    }

    @Override
    public String toString() {
        return name() + " (" + device.name + ", sm_" + device.computeCapability + ")";
    }
}
