package dev.dat4j.vecops;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link VectorGemm} against {@link ScalarBackend}: odd sizes and tails, all transpose combinations,
 * padded leading dimensions, alpha/beta, batches with broadcast operands, and sizes large enough to
 * take the multithreaded paths. Runs at every vector width (see vecops/pom.xml).
 */
class VectorGemmTest {
    private static final ScalarBackend SCALAR = new ScalarBackend();
    private static final WorkerPool POOL1 = new WorkerPool(1);
    /** An explicit 3-thread pool, so the parallel paths run whatever the machine's CPU count. */
    private static final WorkerPool POOL3 = new WorkerPool(3);

    /** One GEMM problem: shape, layouts and scalars. Leading dimensions are the stored width + pad. */
    private record Case(boolean transA, boolean transB, int m, int n, int k, int padA, int padB, int padC,
                        float alpha, float beta) {
        int lda() { return (transA ? m : k) + padA; }
        int ldb() { return (transB ? k : n) + padB; }
        int ldc() { return n + padC; }
        long sizeA() { return (long) (transA ? k : m) * lda(); }
        long sizeB() { return (long) (transB ? n : k) * ldb(); }
        long sizeC() { return (long) m * ldc(); }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " lda=" + lda() + " ldb=" + ldb() + " ldc=" + ldc() + " alpha=" + alpha + " beta=" + beta;
        }
    }

    @Test
    void oddShapesAllTransposesSingleThread() {
        int[][] shapes = {{1, 1, 1}, {7, 13, 29}, {67, 131, 5}, {1, 300, 17}, {6, 32, 256}, {5, 33, 257},
                {13, 8, 1}, {2, 17, 3}, {37, 3, 70}, {12, 64, 513}, {12, 16, 40}, {18, 48, 33}, {24, 12, 20}, {12, 20, 7}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                check(POOL1, new Case((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0, 0, 0, 1f, 0f), 1);
            }
        }
    }

    @Test
    void paddedLeadingDimensionsAlphaBeta() {
        SplittableRandom rnd = new SplittableRandom(42);
        float[][] scalars = {{1f, 0f}, {0.5f, 1f}, {-2f, 0.25f}, {1.5f, -1f}};
        for (int i = 0; i < 24; i++) {
            int m = 1 + rnd.nextInt(40), n = 1 + rnd.nextInt(70), k = 1 + rnd.nextInt(90);
            float[] ab = scalars[i % scalars.length];
            check(POOL1, new Case(rnd.nextBoolean(), rnd.nextBoolean(), m, n, k,
                    rnd.nextInt(5), rnd.nextInt(5), rnd.nextInt(5), ab[0], ab[1]), 1);
        }
    }

    @Test
    void multithreadedAboveThreshold() {
        int[][] shapes = {{130, 150, 70}, {1000, 40, 64}, {3, 700, 200}, {64, 64, 64}, {257, 96, 300}, {40, 300, 260}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                check(POOL3, new Case((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 3, 1, 2, 0.75f, t == 3 ? 0.5f : 0f), 1);
            }
        }
    }

    @Test
    void smallOutputLongK() {
        // GemmSmallOutput: C of at most 64×64 floats, k ≥ 512, B not transposed; full 4×2-vector
        // tiles, edge rows and masked edge columns, k split over threads (3 partial sums) or not.
        int[][] shapes = {{32, 64, 4096}, {7, 5, 600}, {33, 70, 1100}, {64, 64, 3333}, {1, 1, 512}, {8, 4, 2049}};
        for (int[] s : shapes) {
            for (boolean transA : new boolean[] {false, true}) {
                check(POOL1, new Case(transA, false, s[0], s[1], s[2], 2, 3, 1, 0.5f, 0.25f), 1);
                check(POOL3, new Case(transA, false, s[0], s[1], s[2], 0, 0, 0, 1f, 0f), 1);
            }
        }
    }

    @Test
    void narrowBManyRows() {
        // GemmNarrowB: n ≤ one vector, k ≤ 16, m ≥ 64, every transpose; split over threads or not.
        int[][] shapes = {{4096, 8, 4}, {300, 4, 8}, {65, 1, 1}, {1000, 3, 16}, {129, 16, 5}};
        for (int[] s : shapes) {
            if (s[1] > VectorGemm.VL) continue;
            for (int t = 0; t < 4; t++) {
                check(POOL1, new Case((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1, 2, 3, 0.5f, 0.25f), 1);
                check(POOL3, new Case((t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 0, 0, 0, 1f, 0f), 1);
            }
        }
    }

    @Test
    void severalBChunksAlongNAndK() {
        // n > NC gives several column chunks; k beyond the packed-B budget gives several k chunks.
        check(POOL3, new Case(false, false, 5, VectorGemm.NC + 37, 20, 0, 0, 0, 1f, 0f), 1);
        check(POOL1, new Case(false, true, 7, 1024, 1100, 0, 0, 0, 1f, 0.5f), 1);
        check(POOL3, new Case(true, false, 7, 1024, 1100, 0, 0, 0, 1f, 0f), 1);
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        for (WorkerPool pool : new WorkerPool[] {POOL1, POOL3}) {
            Case c = new Case(false, false, 70, 90, 80, 0, 0, 3, 1f, 0f);
            float[][] data = operands(c, 1, 7);
            Arrays.fill(data[2], Float.NaN);
            float[] out = runVector(pool, c, 1, 0, 0, c.sizeC(), data);
            for (int i = 0; i < c.m; i++) {
                for (int j = 0; j < c.n; j++) {
                    assertFalse(Float.isNaN(out[i * c.ldc() + j]), "NaN leaked from C at (" + i + "," + j + ")");
                }
            }
            check(pool, c, 1);
        }
    }

    @Test
    void kZeroScalesC() {
        Case c = new Case(false, false, 3, 4, 0, 0, 0, 0, 1f, 2f);
        float[][] data = operands(c, 1, 3);
        float[] out = runVector(POOL1, c, 1, 0, 0, c.sizeC(), data);
        for (int i = 0; i < out.length; i++) assertEquals(2f * data[2][i], out[i]);
    }

    @Test
    void batchedWithStridesAndBroadcast() {
        for (WorkerPool pool : new WorkerPool[] {POOL1, POOL3}) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                Case c = new Case(ta, tb, 9, 21, 11, 1, 2, 3, 1.25f, 0.5f);
                checkBatched(pool, c, 5, c.sizeA() + 4, c.sizeB() + 1, c.sizeC() + 2);
                checkBatched(pool, c, 5, 0, c.sizeB(), c.sizeC());   // A broadcast
                checkBatched(pool, c, 5, c.sizeA(), 0, c.sizeC());   // B broadcast, stacked A and C
                checkBatched(pool, c, 4, c.sizeA() + 3, 0, c.sizeC()); // B broadcast, gaps between A entries
            }
            // The DAT attention shape, scaled down: many small (m,16)·(16,n) products.
            checkBatched(pool, new Case(false, false, 64, 64, 16, 0, 0, 0, 1f, 0f), 8, 64 * 16, 16 * 64, 64 * 64);
            // Large entries: each entry parallelised inside.
            Case big = new Case(false, true, 100, 80, 40, 0, 0, 0, 1f, 0f);
            checkBatched(pool, big, 2, big.sizeA(), big.sizeB(), big.sizeC());
        }
    }

    @Test
    void badArgumentsAreNamed() {
        try (CpuMemoryScope s = new CpuMemoryScope()) {
            MemorySegment x = s.allocate(100).segment();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> VectorGemm.gemm(POOL1, false, false, 4, 4, 5, 1f, x, 4, x, 4, 0f, x, 4));
            assertTrue(e.getMessage().contains("lda"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> VectorGemm.gemm(POOL1, false, false, 11, 10, 10, 1f, x, 10, x, 10, 0f, x, 10));
            assertTrue(e.getMessage().contains("A stored (11,10)") && e.getMessage().contains("buffer has 100"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> VectorGemm.gemmBatched(POOL1, false, false, 2, 2, 2, 1f, x, 2, 4, x, 2, 4, 0f, x, 2, 0, 3));
            assertTrue(e.getMessage().contains("strideC"), e.getMessage());
        }
    }

    @Test
    void backendUsesVectorGemm() {
        VectorBackend be = new VectorBackend();
        Case c = new Case(true, false, 33, 47, 19, 0, 0, 0, 1f, 0f);
        float[][] data = operands(c, 1, 11);
        try (MemoryScope s = be.newScope()) {
            Buffer a = s.allocate(c.sizeA()), b = s.allocate(c.sizeB()), cc = s.allocate(c.sizeC());
            be.write(a, data[0]);
            be.write(b, data[1]);
            be.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, c.lda(), b, c.ldb(), c.beta, cc, c.ldc());
            float[] got = new float[(int) c.sizeC()];
            be.read(cc, got);
            float[] want = runScalar(c, 1, 0, 0, c.sizeC(), data);
            compare(c, 1, 0, 0, c.sizeC(), data, got, want);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void check(WorkerPool pool, Case c, int batch) {
        checkBatched(pool, c, batch, c.sizeA(), c.sizeB(), c.sizeC());
    }

    private void checkBatched(WorkerPool pool, Case c, int batch, long sA, long sB, long sC) {
        float[][] data = operands(c, batch, sA, sB, sC, 1234 + c.hashCode());
        float[] got = runVector(pool, c, batch, sA, sB, sC, data);
        float[] want = runScalar(c, batch, sA, sB, sC, data);
        compare(c, batch, sA, sB, sC, data, got, want);
    }

    private static float[][] operands(Case c, int batch, long seed) {
        return operands(c, batch, c.sizeA(), c.sizeB(), c.sizeC(), seed);
    }

    private static float[][] operands(Case c, int batch, long sA, long sB, long sC, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return new float[][] {
                random(rnd, (batch - 1) * sA + c.sizeA()),
                random(rnd, (batch - 1) * sB + c.sizeB()),
                random(rnd, (batch - 1) * sC + c.sizeC())};
    }

    private static float[] random(SplittableRandom rnd, long n) {
        float[] x = new float[(int) Math.max(1, n)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static float[] runVector(WorkerPool pool, Case c, int batch, long sA, long sB, long sC, float[][] data) {
        try (CpuMemoryScope s = new CpuMemoryScope()) {
            CpuBuffer a = s.allocate(data[0].length), b = s.allocate(data[1].length), cc = s.allocate(data[2].length);
            SCALAR.write(a, data[0]);
            SCALAR.write(b, data[1]);
            SCALAR.write(cc, data[2]);
            if (batch == 1 && sA == c.sizeA() && sB == c.sizeB()) {
                VectorGemm.gemm(pool, c.transA, c.transB, c.m, c.n, c.k, c.alpha, a.segment(), c.lda(),
                        b.segment(), c.ldb(), c.beta, cc.segment(), c.ldc());
            } else {
                VectorGemm.gemmBatched(pool, c.transA, c.transB, c.m, c.n, c.k, c.alpha, a.segment(), c.lda(), sA,
                        b.segment(), c.ldb(), sB, c.beta, cc.segment(), c.ldc(), sC, batch);
            }
            float[] out = new float[data[2].length];
            SCALAR.read(cc, out);
            return out;
        }
    }

    private static float[] runScalar(Case c, int batch, long sA, long sB, long sC, float[][] data) {
        try (CpuMemoryScope s = new CpuMemoryScope()) {
            CpuBuffer a = s.allocate(data[0].length), b = s.allocate(data[1].length), cc = s.allocate(data[2].length);
            SCALAR.write(a, data[0]);
            SCALAR.write(b, data[1]);
            SCALAR.write(cc, data[2]);
            SCALAR.gemmBatched(c.transA, c.transB, c.m, c.n, c.k, c.alpha, a, c.lda(), sA, b, c.ldb(), sB,
                    c.beta, cc, c.ldc(), sC, batch);
            float[] out = new float[data[2].length];
            SCALAR.read(cc, out);
            return out;
        }
    }

    /**
     * Every element of C within the float32 accumulation bound of both results,
     * 2·(k+2)·2⁻²⁴·(|alpha|·Σ|a||b| + |beta·c|); elements outside the (m,n) windows untouched.
     */
    private static void compare(Case c, int batch, long sA, long sB, long sC, float[][] data, float[] got, float[] want) {
        float[] a = data[0], b = data[1], c0 = data[2];
        boolean[] inside = new boolean[got.length];
        double u = Math.scalb(1.0, -24);
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < c.m; i++) {
                for (int j = 0; j < c.n; j++) {
                    double mag = 0;
                    for (int l = 0; l < c.k; l++) {
                        float av = a[(int) (p * sA + (c.transA ? (long) l * c.lda() + i : (long) i * c.lda() + l))];
                        float bv = b[(int) (p * sB + (c.transB ? (long) j * c.ldb() + l : (long) l * c.ldb() + j))];
                        mag += Math.abs((double) av * bv);
                    }
                    int ci = (int) (p * sC + (long) i * c.ldc() + j);
                    inside[ci] = true;
                    double bound = 2 * (c.k + 2) * u * (Math.abs(c.alpha) * mag
                            + (c.beta == 0 ? 0 : Math.abs(c.beta * c0[ci]))) + 1e-30;
                    if (!(Math.abs(got[ci] - want[ci]) <= bound)) {
                        fail(c + " batch=" + batch + " entry " + p + " C(" + i + "," + j + "): got " + got[ci]
                                + ", scalar reference " + want[ci] + ", bound " + bound);
                    }
                }
            }
        }
        for (int i = 0; i < got.length; i++) {
            if (!inside[i] && Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(c0[i])) {
                fail(c + " batch=" + batch + ": element " + i + " outside C's (m,n) window was written");
            }
        }
    }
}
