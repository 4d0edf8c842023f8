package dev.dat4j.apps.bench;

import dev.dat4j.vecops.AttentionProblem;
import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.BinaryOp;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.FusedAttention;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.ReduceOp;
import dev.dat4j.vecops.StridedCopy;
import dev.dat4j.vecops.UnaryOp;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A {@link Backend} that forwards every call to another one and adds up, per kernel, the wall time
 * spent in it and the number of calls. The CPU kernels return when their work is done, so the
 * times are the kernels' own; what a training step spends outside all kernels is framework
 * overhead (autograd bookkeeping, allocation, Java between ops). Keys name the method, with the
 * operation for the generic kernels ({@code binary MUL}, {@code unary EXP}) and the transposition
 * flags for GEMMs ({@code gemmBatched NT}).
 */
class ProfilingBackend implements Backend {
    /** Accumulated time and calls of one kernel. */
    static final class Entry {
        long nanos;
        long calls;
    }

    private final Backend inner;
    private final boolean shapes;
    private final Map<String, Entry> entries = new TreeMap<>();
    private boolean enabled;

    /** With {@code shapes}, GEMM keys also carry m×n×k and the batch, so each GEMM shape is timed on its own. */
    private ProfilingBackend(Backend inner, boolean shapes) {
        this.inner = inner;
        this.shapes = shapes;
    }

    /** A profiler around inner that offers the same optional kernels ({@link FusedAttention}, {@link StridedCopy}) as inner. */
    boolean shapes() {
        return shapes;
    }

    static ProfilingBackend wrap(Backend inner, boolean shapes) {
        return inner instanceof FusedAttention && inner instanceof StridedCopy ? new WithCpuKernels(inner, shapes) : new ProfilingBackend(inner, shapes);
    }

    /** The profiler of a CPU backend (fused attention, strided-output copies), timing those kernels too. */
    private static final class WithCpuKernels extends ProfilingBackend implements FusedAttention, StridedCopy {
        private final FusedAttention kernels;
        private final StridedCopy copier;

        WithCpuKernels(Backend inner, boolean shapes) {
            super(inner, shapes);
            this.kernels = (FusedAttention) inner;
            this.copier = (StridedCopy) inner;
        }

        @Override
        public void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out, long[] outStrides) {
            String key = "copyStrided into" + (shapes() ? " " + java.util.Arrays.toString(shape) + " " + java.util.Arrays.toString(srcStrides)
                    + " -> " + java.util.Arrays.toString(outStrides) : "");
            time(key, () -> copier.copyStrided(shape, src, srcStrides, out, outStrides));
        }

        /** With shapes: " entries×lq×lk d/dv [causal]". */
        private String problem(AttentionProblem a) {
            return !shapes() ? "" : " " + a.entries() + "x" + a.lq() + "x" + a.lk() + " d" + a.d() + "/" + a.dv() + (a.causal() ? " causal" : "");
        }

        @Override
        public void attention(AttentionProblem a, Buffer o, Buffer lse) {
            time("attention" + problem(a), () -> kernels.attention(a, o, lse));
        }

        @Override
        public void attentionBackward(AttentionProblem a, Buffer o, Buffer lse, Buffer dO, Buffer dq, Buffer dk, Buffer dv) {
            time("attentionBackward" + problem(a), () -> kernels.attentionBackward(a, o, lse, dO, dq, dk, dv));
        }
    }

    /** Time and calls per kernel since the last {@link #reset}. */
    Map<String, Entry> entries() {
        return entries;
    }

    void reset() {
        entries.clear();
    }

    /** Switches recording on or off (off at first: model building and warm-up steps are not recorded). */
    void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    void time(String key, Runnable call) {
        if (!enabled) {
            call.run();
            return;
        }
        long t0 = System.nanoTime();
        call.run();
        long dt = System.nanoTime() - t0;
        Entry e = entries.computeIfAbsent(key, _ -> new Entry());
        e.nanos += dt;
        e.calls++;
    }

    private <T> T time(String key, Supplier<T> call) {
        Object[] out = new Object[1];
        time(key, () -> out[0] = call.get());
        @SuppressWarnings("unchecked") T t = (T) out[0];
        return t;
    }

    private static String flags(boolean transA, boolean transB) {
        return (transA ? "T" : "N") + (transB ? "T" : "N");
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public MemoryScope newScope() {
        return inner.newScope();
    }

    @Override
    public void write(Buffer dst, float[] src) {
        time("write", () -> inner.write(dst, src));
    }

    @Override
    public void read(Buffer src, float[] dst) {
        time("read", () -> inner.read(src, dst));
    }

    @Override
    public void writeInts(Buffer dst, int[] src) {
        time("write", () -> inner.writeInts(dst, src));
    }

    @Override
    public void readInts(Buffer src, int[] dst) {
        time("read", () -> inner.readInts(src, dst));
    }

    @Override
    public void fill(Buffer x, long n, float value) {
        time("fill", () -> inner.fill(x, n, value));
    }

    @Override
    public void copy(Buffer src, Buffer dst, long n) {
        time("copy", () -> inner.copy(src, dst, n));
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, int lda, Buffer b,
                     int ldb, float beta, Buffer c, int ldc) {
        String key = "gemm " + flags(transA, transB) + (shapes ? " " + m + "x" + n + "x" + k : "");
        time(key, () -> inner.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, int lda,
                            long strideA, Buffer b, int ldb, long strideB, float beta, Buffer c, int ldc, long strideC,
                            int batch) {
        String key = "gemmBatched " + flags(transA, transB) + (shapes ? " " + m + "x" + n + "x" + k + " *" + batch : "");
        time(key, () -> inner.gemmBatched(transA, transB, m, n, k, alpha, a, lda,
                strideA, b, ldb, strideB, beta, c, ldc, strideC, batch));
    }

    @Override
    public void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out) {
        String key = "copyStrided" + (shapes ? " " + java.util.Arrays.toString(shape) + " " + java.util.Arrays.toString(srcStrides) : "");
        time(key, () -> inner.copyStrided(shape, src, srcStrides, out));
    }

    @Override
    public void binary(BinaryOp op, int[] shape, Buffer a, long[] aStrides, Buffer b, long[] bStrides, Buffer out) {
        String key = "binary " + op + (shapes ? " " + java.util.Arrays.toString(shape) + " a" + java.util.Arrays.toString(aStrides)
                + " b" + java.util.Arrays.toString(bStrides) : "");
        time(key, () -> inner.binary(op, shape, a, aStrides, b, bStrides, out));
    }

    @Override
    public void unary(UnaryOp op, long n, Buffer x, Buffer y) {
        time("unary " + op, () -> inner.unary(op, n, x, y));
    }

    @Override
    public void unaryBackward(UnaryOp op, long n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        time("unaryBackward " + op, () -> inner.unaryBackward(op, n, x, y, dy, dx));
    }

    @Override
    public void affine(long n, Buffer x, float alpha, float beta, Buffer y) {
        time("affine", () -> inner.affine(n, x, alpha, beta, y));
    }

    @Override
    public void pow(long n, Buffer x, float p, Buffer y) {
        time("pow", () -> inner.pow(n, x, p, y));
    }

    @Override
    public void axpy(long n, float alpha, Buffer x, Buffer y) {
        time("axpy", () -> inner.axpy(n, alpha, x, y));
    }

    @Override
    public void where(long n, Buffer cond, Buffer a, Buffer b, Buffer out) {
        time("where", () -> inner.where(n, cond, a, b, out));
    }

    @Override
    public void reduce(ReduceOp op, int outer, int n, int inner, Buffer x, Buffer y) {
        time("reduce " + op + (shapes ? " " + outer + "x" + n + "x" + inner : ""), () -> this.inner.reduce(op, outer, n, inner, x, y));
    }

    @Override
    public void argmax(int outer, int n, int inner, Buffer x, Buffer idx) {
        time("argmax", () -> this.inner.argmax(outer, n, inner, x, idx));
    }

    @Override
    public double sumOfSquares(long n, Buffer x) {
        return time("sumOfSquares", () -> inner.sumOfSquares(n, x));
    }

    @Override
    public void softmax(int rows, int cols, Buffer x, float scale, int causalRows, Buffer y) {
        time("softmax", () -> inner.softmax(rows, cols, x, scale, causalRows, y));
    }

    @Override
    public void softmaxBackward(int rows, int cols, Buffer y, Buffer dy, float scale, Buffer dx) {
        time("softmaxBackward", () -> inner.softmaxBackward(rows, cols, y, dy, scale, dx));
    }

    @Override
    public void logSoftmax(int rows, int cols, Buffer x, Buffer y) {
        time("logSoftmax", () -> inner.logSoftmax(rows, cols, x, y));
    }

    @Override
    public void logSoftmaxBackward(int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        time("logSoftmaxBackward", () -> inner.logSoftmaxBackward(rows, cols, y, dy, dx));
    }

    @Override
    public void crossEntropy(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer losses) {
        time("crossEntropy", () -> inner.crossEntropy(rows, vocab, logits, targets, ignoreIndex, losses));
    }

    @Override
    public void crossEntropyBackward(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer losses,
                                     Buffer dlosses, Buffer dlogits) {
        time("crossEntropyBackward", () -> inner.crossEntropyBackward(rows, vocab, logits, targets, ignoreIndex, losses, dlosses, dlogits));
    }

    @Override
    public void layerNorm(int rows, int cols, Buffer x, Buffer gamma, Buffer beta, float eps, Buffer y, Buffer mean,
                          Buffer rstd) {
        time("layerNorm", () -> inner.layerNorm(rows, cols, x, gamma, beta, eps, y, mean, rstd));
    }

    @Override
    public void layerNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy,
                                  Buffer dx, Buffer dgamma, Buffer dbeta) {
        time("layerNormBackward", () -> inner.layerNormBackward(rows, cols, x, gamma, mean, rstd, dy, dx, dgamma, dbeta));
    }

    @Override
    public void rmsNorm(int rows, int cols, Buffer x, Buffer gamma, float eps, Buffer y, Buffer rstd) {
        time("rmsNorm", () -> inner.rmsNorm(rows, cols, x, gamma, eps, y, rstd));
    }

    @Override
    public void rmsNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer rstd, Buffer dy, Buffer dx,
                                Buffer dgamma) {
        time("rmsNormBackward", () -> inner.rmsNormBackward(rows, cols, x, gamma, rstd, dy, dx, dgamma));
    }

    @Override
    public void embedding(int n, int dim, int vocab, Buffer table, Buffer ids, Buffer out) {
        time("embedding", () -> inner.embedding(n, dim, vocab, table, ids, out));
    }

    @Override
    public void embeddingBackward(int n, int dim, int vocab, Buffer ids, Buffer dout, Buffer dtable) {
        time("embeddingBackward", () -> inner.embeddingBackward(n, dim, vocab, ids, dout, dtable));
    }

    @Override
    public void gather(int outer, int n, int k, Buffer x, Buffer idx, Buffer y) {
        time("gather", () -> inner.gather(outer, n, k, x, idx, y));
    }

    @Override
    public void gatherBackward(int outer, int n, int k, Buffer idx, Buffer dy, Buffer dx) {
        time("gatherBackward", () -> inner.gatherBackward(outer, n, k, idx, dy, dx));
    }

    @Override
    public void rope(int batch, int seq, int heads, int dim, Buffer x, Buffer cos, Buffer sin, boolean inverse, Buffer y) {
        time(inverse ? "rope inverse" : "rope", () -> inner.rope(batch, seq, heads, dim, x, cos, sin, inverse, y));
    }

    @Override
    public void dropout(long n, Buffer x, float p, long seed, Buffer y) {
        time("dropout", () -> inner.dropout(n, x, p, seed, y));
    }

    @Override
    public void adamStep(long n, Buffer param, Buffer grad, Buffer m, Buffer v, float lr, float beta1, float beta2,
                         float eps, float weightDecay, boolean decoupled, int step) {
        time("adamStep", () -> inner.adamStep(n, param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step));
    }

    @Override
    public void sgdStep(long n, Buffer param, Buffer grad, Buffer momentumBuf, float lr, float momentum,
                        float weightDecay, boolean firstStep) {
        time("sgdStep", () -> inner.sgdStep(n, param, grad, momentumBuf, lr, momentum, weightDecay, firstStep));
    }
}
