package dev.dat4j.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.dat4j.vecops.AttentionProblem;
import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.BinaryOp;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.FusedAttention;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.ReduceOp;
import dev.dat4j.vecops.UnaryOp;
import dev.dat4j.vecops.VectorBackend;
import dev.dat4j.vecops.WorkerPool;

/**
 * Heap bytes each JIT-compiled Vector API kernel allocates per call, on one thread. A kernel whose
 * vectors all stay in registers allocates nothing (a few dozen bytes of lambdas at most); one that
 * allocates about 64–80 bytes per vector iteration (5 bytes per float) has a {@code FloatVector} boxed, because C2 gave
 * up inlining part of its loop (the node budget of a too-large method, a helper not inlined). Such
 * a kernel runs 2–5× slower than it should, and the tests cannot see it: results stay correct.
 * Run after changing a kernel:
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.dat4j.bench.AllocationAudit [name-regex]</pre>
 *
 * Each kernel is warmed up and measured in turn (those whose name matches the filter, a regular expression, if given).
 * Prints one line per kernel and exits with status 1 when any kernel allocates more than a
 * quarter of a byte per float (one boxed vector per 64 floats or more): small scratch arrays, such
 * as the per-position tables of RoPE, stay below that.
 */
public final class AllocationAudit {
    private static final int ROWS = 64, COLS = 1000, N = ROWS * COLS; // 1000: every kernel has a tail
    private static final int WARMUP_CALLS = 4000, MEASURED_CALLS = 200;
    private static final long WARMUP_NANOS = 300_000_000;
    private static final int MAX_ROUNDS = 20;
    private static final long LIMIT_BYTES = N / 4;

    private AllocationAudit() {}

    public static void main(String[] args) {
        WorkerPool.setGlobalThreads(1); // every kernel runs on this thread, where allocation is counted
        Backend be = new VectorBackend();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int failures = 0;
        try (MemoryScope scope = be.newScope()) {
            Map<String, Runnable> kernels = kernels(be, scope);
            System.out.printf(Locale.ROOT, "%s, one thread, %d×%d floats; heap bytes per call after ≥ %d warm-up calls%n",
                    be.name(), ROWS, COLS, WARMUP_CALLS);
            for (var e : kernels.entrySet()) {
                if (args.length > 0 && !java.util.regex.Pattern.compile(args[0]).matcher(e.getKey()).find()) continue;
                Runnable k = e.getValue();
                // Warm up by count and by time, so that C2 has compiled (and recompiled) the kernel.
                long warmEnd = System.nanoTime() + WARMUP_NANOS;
                for (int i = 0; i < WARMUP_CALLS || System.nanoTime() < warmEnd; i++) k.run();
                // C2 may still be compiling (a 2-core machine under load queues compilations for
                // seconds): measure in rounds and keep the best, so only steady-state boxing counts.
                long bytes = Long.MAX_VALUE, ns = 0;
                for (int round = 0; round < MAX_ROUNDS && bytes > LIMIT_BYTES; round++) {
                    long before = threads.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
                    for (int i = 0; i < MEASURED_CALLS; i++) k.run();
                    ns = (System.nanoTime() - t0) / MEASURED_CALLS;
                    bytes = Math.min(bytes, (threads.getCurrentThreadAllocatedBytes() - before) / MEASURED_CALLS);
                }
                boolean bad = bytes > LIMIT_BYTES;
                if (bad) failures++;
                System.out.printf(Locale.ROOT, "  %-22s %9d B/call %9.1f µs/call%s%n", e.getKey(), bytes, ns / 1e3,
                        bad ? "   <-- allocates: a vector is boxed" : "");
            }
        }
        System.out.println(failures == 0 ? "no kernel allocates" : failures + " kernel(s) allocate per call");
        System.exit(failures == 0 ? 0 : 1);
    }

    /** Every kernel of the backend contract that runs Vector API code, on fixed random inputs. */
    private static Map<String, Runnable> kernels(Backend be, MemoryScope s) {
        Buffer x = KernelBackends.uniform(be, s, N, -3, 3, 1), b = KernelBackends.uniform(be, s, N, -3, 3, 2);
        Buffer pos = KernelBackends.uniform(be, s, N, 0.1, 3, 3), dy = KernelBackends.uniform(be, s, N, -1, 1, 4);
        Buffer y = s.allocate(N), dx = s.allocate(N), m = s.allocate(N), v = s.allocate(N);
        Buffer gamma = KernelBackends.uniform(be, s, COLS, 0.5, 1.5, 5), beta = KernelBackends.uniform(be, s, COLS, -1, 1, 6);
        Buffer rowA = s.allocate(ROWS), rowB = s.allocate(ROWS), colA = s.allocate(COLS), colB = s.allocate(COLS);
        Buffer targets = KernelBackends.ints(be, s, ROWS, COLS, 7), idx = KernelBackends.ints(be, s, N, COLS, 8);
        Buffer cos = KernelBackends.uniform(be, s, N / 2, -1, 1, 9), sin = KernelBackends.uniform(be, s, N / 2, -1, 1, 10);
        int[] shape = {ROWS, COLS};
        long[] rowMajor = {COLS, 1}, broadcastRow = {0, 1}, transposed = {1, ROWS};
        Buffer c = s.allocate((long) ROWS * ROWS), ids = KernelBackends.ints(be, s, ROWS, ROWS, 11);

        Map<String, Runnable> k = new LinkedHashMap<>();
        k.put("copyStrided transpose", () -> be.copyStrided(shape, x, transposed, y));
        for (BinaryOp op : BinaryOp.values()) k.put("binary " + op, () -> be.binary(op, shape, x, rowMajor, b, rowMajor, y));
        k.put("binary ADD broadcast", () -> be.binary(BinaryOp.ADD, shape, x, rowMajor, gamma, broadcastRow, y));
        for (UnaryOp op : UnaryOp.values()) {
            Buffer in = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT ? pos : x;
            k.put("unary " + op, () -> be.unary(op, N, in, y));
            k.put("unaryBackward " + op, () -> be.unaryBackward(op, N, in, y, dy, dx));
        }
        k.put("affine", () -> be.affine(N, x, 1.5f, 0.25f, y));
        k.put("pow", () -> be.pow(N, pos, 1.7f, y));
        k.put("axpy", () -> be.axpy(N, 0.5f, x, y));
        k.put("where", () -> be.where(N, b, x, dy, y));
        for (ReduceOp op : ReduceOp.values()) k.put("reduce " + op + " last", () -> be.reduce(op, ROWS, COLS, 1, x, rowA));
        k.put("reduce SUM first", () -> be.reduce(ReduceOp.SUM, 1, ROWS, COLS, x, colA));
        k.put("argmax", () -> be.argmax(ROWS, COLS, 1, x, rowB));
        k.put("sumOfSquares", () -> be.sumOfSquares(N, x));
        k.put("softmax", () -> be.softmax(ROWS, COLS, x, 0.125f, 0, y));
        k.put("softmax causal", () -> be.softmax(ROWS, COLS, x, 0.125f, ROWS, y));
        k.put("softmaxBackward", () -> be.softmaxBackward(ROWS, COLS, y, dy, 0.125f, dx));
        k.put("logSoftmax", () -> be.logSoftmax(ROWS, COLS, x, y));
        k.put("logSoftmaxBackward", () -> be.logSoftmaxBackward(ROWS, COLS, y, dy, dx));
        k.put("crossEntropy", () -> be.crossEntropy(ROWS, COLS, x, targets, -100, rowA));
        k.put("crossEntropyBackward", () -> be.crossEntropyBackward(ROWS, COLS, x, targets, -100, rowA, rowB, dx));
        k.put("layerNorm", () -> be.layerNorm(ROWS, COLS, x, gamma, beta, 1e-5f, y, rowA, rowB));
        k.put("layerNormBackward", () -> be.layerNormBackward(ROWS, COLS, x, gamma, rowA, rowB, dy, dx, colA, colB));
        k.put("rmsNorm", () -> be.rmsNorm(ROWS, COLS, x, gamma, 1e-5f, y, rowA));
        k.put("rmsNormBackward", () -> be.rmsNormBackward(ROWS, COLS, x, gamma, rowA, dy, dx, colA));
        k.put("embedding", () -> be.embedding(ROWS, COLS, ROWS, x, ids, y));
        k.put("embeddingBackward", () -> be.embeddingBackward(ROWS, COLS, ROWS, ids, dy, dx));
        k.put("gather", () -> be.gather(ROWS, COLS, COLS, x, idx, y));
        k.put("gatherBackward", () -> be.gatherBackward(ROWS, COLS, COLS, idx, dy, dx));
        k.put("rope", () -> be.rope(1, ROWS, 1, COLS, x, cos, sin, false, y));
        k.put("dropout", () -> be.dropout(N, x, 0.1f, 42, y));
        k.put("adamStep", () -> be.adamStep(N, y, dy, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 10));
        k.put("sgdStep", () -> be.sgdStep(N, y, dy, m, 1e-3f, 0.9f, 0f, false));
        k.put("gemm 64×64×1000", () -> be.gemm(false, true, ROWS, ROWS, COLS, 1f, x, COLS, b, COLS, 0f, c, ROWS));
        k.put("gemm TN 32×64×1000 (small C)", () -> be.gemm(true, false, 32, ROWS, COLS, 1f, x, 32, b, ROWS, 0f, c, ROWS));
        // attention: 8 entries of 40 queries against 50 keys, head dims 8 (q/k) and 16 (v), and
        // relational attention's widths (keys 8, values 40: two vectors and a half at 512 bits)
        AttentionProblem causal = attention(8, 40, 50, 8, 16, true, x), full = attention(8, 40, 50, 8, 16, false, x);
        AttentionProblem wide = attention(8, 40, 50, 8, 40, true, x);
        FusedAttention fused = (FusedAttention) be;
        for (AttentionProblem a : new AttentionProblem[] {causal, full, wide}) {
            String name = (a.causal() ? " causal" : "") + (a.dv() > 16 ? " dv " + a.dv() : "");
            k.put("attention" + name, () -> fused.attention(a, y, colA));
            k.put("attentionBackward" + name, () -> fused.attentionBackward(a, y, colA, dy, dx, m, v));
        }
        return k;
    }

    /** Q, K, V of e entries read from the start of x: (e, lq, d), (e, lk, d), (e, lk, dv). */
    private static AttentionProblem attention(int e, int lq, int lk, int d, int dv, boolean causal, Buffer x) {
        long[] qOff = new long[e], kOff = new long[e], vOff = new long[e];
        for (int i = 0; i < e; i++) {
            qOff[i] = (long) i * lq * d;
            kOff[i] = (long) e * lq * d + (long) i * lk * d;
            vOff[i] = (long) e * (lq + lk) * d + (long) i * lk * dv;
        }
        return new AttentionProblem(e, lq, lk, d, dv, 0.35f, causal, x, qOff, d, x, kOff, d, x, vOff, dv);
    }
}
