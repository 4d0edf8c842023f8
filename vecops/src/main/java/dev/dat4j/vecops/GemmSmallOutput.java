package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.S;

/**
 * GEMM for a small C and a long k with B not transposed, C = alpha·op(A)·B + beta·C: the weight
 * gradients of narrow layers (dW = dYᵀ·X: m, n ≤ 64, k = the tokens of a batch, 4096). There the
 * packed path spends as long packing B (k·n floats, each used by only m/6 microkernel rows) as
 * multiplying, and with fewer C tiles than work it cannot use the threads well.
 *
 * <pre>
 * k split into one range per thread; each thread sums into its own partial C (m, np), np = n padded
 *   for each band of KB rows of B (in L2)
 *     for each 4-row × 2-vector C tile: 8 FMAs per row of the band, A and B read where they lie
 *     the edge rows and columns one row and one vector at a time (the last vector masked)
 * C = alpha·Σ partials + beta·C
 * </pre>
 */
final class GemmSmallOutput {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** C no larger than this many floats takes this path (a 64 × 64 weight). */
    static final long MAX_C_FLOATS = 64L * 64;
    /** ... and k at least this long. */
    static final int MIN_K = 512;
    /** Rows of B per band: KB·n floats stay in L2 while every C tile passes over them. */
    private static final int KB = 256;
    /** k per thread at least this long, or fewer threads are used. */
    private static final int MIN_K_PER_THREAD = 1024;

    private GemmSmallOutput() {}

    static boolean applies(boolean transB, int m, int n, int k) {
        return !transB && (long) m * n <= MAX_C_FLOATS && k >= MIN_K;
    }

    /** The calling thread's partial Cs, one per task (whichever thread runs it), grown on demand. */
    private static final ThreadLocal<float[][]> PARTIALS = ThreadLocal.withInitial(() -> new float[0][]);

    static void run(WorkerPool pool, boolean transA, int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
                    MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        int np = (n + L - 1) / L * L;
        int tasks = pool == null ? 1 : Math.max(1, Math.min(pool.threads(), k / MIN_K_PER_THREAD));
        float[][] partials = partials(tasks, m * np);
        if (tasks == 1) {
            sumRange(transA, m, n, np, 0, k, a, aOff, lda, b, bOff, ldb, partials[0]);
        } else {
            pool.parallelFor(tasks, t -> sumRange(transA, m, n, np, (int) ((long) k * t / tasks),
                    (int) ((long) k * (t + 1) / tasks), a, aOff, lda, b, bOff, ldb, partials[t]));
        }
        for (int i = 0; i < m; i++) {
            long row = cOff + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int t = 0; t < tasks; t++) sum += partials[t][i * np + j];
                float old = beta == 0f ? 0f : beta * c.getAtIndex(F, row + j);
                c.setAtIndex(F, row + j, alpha * sum + old);
            }
        }
    }

    /** The calling thread's first {@code tasks} partial Cs of {@code floats} each, zeroed. */
    private static float[][] partials(int tasks, int floats) {
        float[][] held = PARTIALS.get();
        if (held.length < tasks) {
            held = Arrays.copyOf(held, tasks);
            PARTIALS.set(held);
        }
        for (int t = 0; t < tasks; t++) {
            if (held[t] == null || held[t].length < floats) held[t] = new float[floats];
            Arrays.fill(held[t], 0, floats, 0f);
        }
        return held;
    }

    /** part (m, np) += op(A)[:, p0:p1]·B[p0:p1, :], band by band. */
    private static void sumRange(boolean transA, int m, int n, int np, int p0, int p1, MemorySegment a, long aOff, int lda,
                                 MemorySegment b, long bOff, int ldb, float[] part) {
        long rowStep = transA ? 1 : lda, pStep = transA ? lda : 1; // op(A)(i, p) = a[aOff + i·rowStep + p·pStep]
        int fullRows = m / 4 * 4, fullCols = n / (2 * L) * (2 * L);
        for (int q0 = p0; q0 < p1; q0 += KB) {
            int q1 = Math.min(p1, q0 + KB);
            for (int i = 0; i < fullRows; i += 4) {
                for (int j = 0; j < fullCols; j += 2 * L) {
                    tile(a, aOff + i * rowStep, rowStep, pStep, b, bOff + j, ldb, q0, q1, part, i * np + j, np);
                }
            }
            for (int i = 0; i < m; i++) { // the edges: columns past the full tiles, rows past the full tiles
                int from = i < fullRows ? fullCols : 0;
                if (from < n) edgeRow(a, aOff + i * rowStep, pStep, b, bOff + from, ldb, n - from, q0, q1, part, i * np + from);
            }
        }
    }

    /**
     * part[o + r·np + c] += Σ_p op(A)(r, p)·B[p, c] for 4 rows r, 2 vectors of columns c and p in
     * [q0, q1): 8 accumulators, each B vector feeding 4 FMAs. a0/b0: element offsets of (row 0,
     * p = 0) and (p = 0, column 0).
     */
    private static void tile(MemorySegment a, long a0, long rowStep, long pStep, MemorySegment b, long b0, int ldb,
                             int q0, int q1, float[] part, int o, int np) {
        int o1 = o + np, o2 = o1 + np, o3 = o2 + np;
        FloatVector c00 = FloatVector.fromArray(S, part, o), c01 = FloatVector.fromArray(S, part, o + L);
        FloatVector c10 = FloatVector.fromArray(S, part, o1), c11 = FloatVector.fromArray(S, part, o1 + L);
        FloatVector c20 = FloatVector.fromArray(S, part, o2), c21 = FloatVector.fromArray(S, part, o2 + L);
        FloatVector c30 = FloatVector.fromArray(S, part, o3), c31 = FloatVector.fromArray(S, part, o3 + L);
        for (int p = q0; p < q1; p++) {
            long bp = (b0 + (long) p * ldb) << 2, ap = a0 + p * pStep;
            FloatVector x0 = FloatVector.fromMemorySegment(S, b, bp, ORDER), x1 = FloatVector.fromMemorySegment(S, b, bp + 4L * L, ORDER);
            FloatVector w0 = FloatVector.broadcast(S, a.getAtIndex(F, ap)), w1 = FloatVector.broadcast(S, a.getAtIndex(F, ap + rowStep));
            FloatVector w2 = FloatVector.broadcast(S, a.getAtIndex(F, ap + 2 * rowStep));
            FloatVector w3 = FloatVector.broadcast(S, a.getAtIndex(F, ap + 3 * rowStep));
            c00 = x0.fma(w0, c00);
            c01 = x1.fma(w0, c01);
            c10 = x0.fma(w1, c10);
            c11 = x1.fma(w1, c11);
            c20 = x0.fma(w2, c20);
            c21 = x1.fma(w2, c21);
            c30 = x0.fma(w3, c30);
            c31 = x1.fma(w3, c31);
        }
        c00.intoArray(part, o);
        c01.intoArray(part, o + L);
        c10.intoArray(part, o1);
        c11.intoArray(part, o1 + L);
        c20.intoArray(part, o2);
        c21.intoArray(part, o2 + L);
        c30.intoArray(part, o3);
        c31.intoArray(part, o3 + L);
    }

    /** part[o + c] += Σ_p op(A)(row, p)·B[p, c] for c < cols, p in [q0, q1), a vector at a time (the last masked). */
    private static void edgeRow(MemorySegment a, long a0, long pStep, MemorySegment b, long b0, int ldb, int cols,
                                int q0, int q1, float[] part, int o) {
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> mask = S.indexInRange(0, Math.min(L, cols - c));
            FloatVector acc = FloatVector.fromArray(S, part, o + c);
            for (int p = q0; p < q1; p++) {
                FloatVector x = FloatVector.fromMemorySegment(S, b, (b0 + (long) p * ldb + c) << 2, ORDER, mask);
                acc = x.fma(FloatVector.broadcast(S, a.getAtIndex(F, a0 + p * pStep)), acc);
            }
            acc.intoArray(part, o + c);
        }
    }
}
