package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.S;

/**
 * GEMM with a tiny op(B) (n ≤ one vector, k ≤ 16) and many rows, C = alpha·op(A)·op(B) + beta·C:
 * relational attention's per-head relation projection ((B·L, n_relations) × (n_relations,
 * head_dim): k = 4, n = 8) and its input gradient. The packed path spends most of such a call
 * packing and moving C tiles for 4 multiply-adds per element (~2 GFLOP/s). Here alpha·op(B) is
 * copied once into k vectors, and each row of C is k FMAs of a broadcast A element with those
 * vectors, stored masked.
 */
final class GemmNarrowB {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Longest k this path takes. */
    static final int MAX_K = 16;
    /** Rows per task when split over threads. */
    private static final int ROWS_PER_TASK = 1024;

    /** The calling thread's copy of alpha·op(B), MAX_K vectors. */
    private static final ThreadLocal<float[]> B_VECTORS = ThreadLocal.withInitial(() -> new float[MAX_K * L]);

    private GemmNarrowB() {}

    static boolean applies(int m, int n, int k) {
        return n <= L && k <= MAX_K && m >= 64;
    }

    static void run(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                    MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                    float beta, MemorySegment c, long cOff, int ldc) {
        float[] bv = B_VECTORS.get(); // bv[p·L + j] = alpha·op(B)(p, j), zero for j ≥ n
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < L; j++) {
                bv[p * L + j] = j < n ? alpha * b.getAtIndex(F, bOff + (transB ? (long) j * ldb + p : (long) p * ldb + j)) : 0f;
            }
        }
        long rowStep = transA ? 1 : lda, pStep = transA ? lda : 1; // op(A)(i, p) = a[aOff + i·rowStep + p·pStep]
        int tasks = pool == null ? 1 : Math.max(1, Math.min(pool.threads() * Parallel.TASKS_PER_THREAD, m / ROWS_PER_TASK));
        if (tasks == 1) {
            rows(0, m, n, k, bv, a, aOff, rowStep, pStep, beta, c, cOff, ldc);
        } else {
            pool.parallelFor(tasks, t -> rows((int) ((long) m * t / tasks), (int) ((long) m * (t + 1) / tasks), n, k, bv,
                    a, aOff, rowStep, pStep, beta, c, cOff, ldc));
        }
    }

    /** C rows [i0, i1): C[i, :n] = Σ_p op(A)(i, p)·bv[p] + beta·C[i, :n]. */
    private static void rows(int i0, int i1, int n, int k, float[] bv, MemorySegment a, long aOff, long rowStep, long pStep,
                             float beta, MemorySegment c, long cOff, int ldc) {
        VectorMask<Float> mask = S.indexInRange(0, n);
        for (int i = i0; i < i1; i++) {
            long ci = (cOff + (long) i * ldc) << 2, ai = aOff + i * rowStep;
            FloatVector acc = beta == 0f ? FloatVector.zero(S) : FloatVector.fromMemorySegment(S, c, ci, ORDER, mask).mul(beta);
            for (int p = 0; p < k; p++) {
                acc = FloatVector.fromArray(S, bv, p * L).fma(FloatVector.broadcast(S, a.getAtIndex(F, ai + p * pStep)), acc);
            }
            acc.intoMemorySegment(c, ci, ORDER, mask);
        }
    }
}
