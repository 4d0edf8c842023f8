package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;

/**
 * f32 GEMM with the Vector API, GotoBLAS/BLIS style: C = alpha·op(A)·op(B) + beta·C, row-major.
 *
 * <pre>
 * for each B chunk (columns j0.., k range p0..)          chunk ≤ PACKED_B_FLOATS, packed once
 *   pack alpha·B chunk into (k-block, NR panel) order     parallel over panels
 *   for each task = (row block of ≤ MC rows, column range) parallel over tasks
 *     for each k-block of ≤ KC:  pack A block → GemmKernel.macroKernel
 * </pre>
 *
 * The first k-block of C applies beta, later ones accumulate. Packing buffers are per thread and
 * reused across calls (no allocation per call once they have grown). A small C with a long k and B
 * not transposed (weight gradients of narrow layers) goes to {@link GemmSmallOutput}, a tiny B (n ≤ one
 * vector, k ≤ 16) to {@link GemmNarrowB}. Problems below
 * {@link #PARALLEL_WORK} multiply-adds run on the calling thread only. Batches of small matrices are
 * spread over batch entries; a broadcast B with stacked A and C becomes one tall GEMM.
 */
final class VectorGemm {
    /** Floats per vector of the preferred species. */
    static final int VL = VectorBackend.SPECIES.length();
    /** Microkernel tile: MR rows of C by NR = 2 vectors of columns (12 accumulators). */
    static final int MR = 6;
    static final int NR = 2 * VL;
    /**
     * Blocking: a (KC, NR) B panel (32 KiB at 512 bits) is reused by every A panel of a block from
     * L1/L2; an (MC, KC) A block (144 KiB) stays in L2. KC = 256 measured best of 128/192/256/384
     * on the Zen 4 build machine; MC between 72 and 240 made no measurable difference.
     */
    static final int KC = 256;
    static final int MC = 144;
    /** Widest B chunk, and the largest packed B chunk in floats (4 MiB). */
    static final int NC = 4096;
    static final int PACKED_B_FLOATS = 1 << 20;
    /** Packed B chunks smaller than this many floats are packed by one thread. */
    static final int PARALLEL_PACK_FLOATS = 1 << 16;
    /** m·n·k below which a GEMM (or a whole batch) runs single-threaded. */
    static final long PARALLEL_WORK = 64L * 64 * 64;
    /** Batches whose entries are below this m·n·k are parallelised over entries, not inside them. */
    static final long BATCH_ENTRY_WORK = 256L * 256 * 256;

    private VectorGemm() {}

    /** Per-thread scratch, reused by every call on that thread. */
    private static final class Scratch {
        float[] packedA = new float[MC * KC];
        float[] packedB = new float[0];
        final float[] tile = new float[MR * NR];
        final Gemm gemm = new Gemm();
        final Batch batch = new Batch();

        float[] packedB(int floats) {
            if (packedB.length < floats) packedB = new float[floats];
            return packedB;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ---------------------------------------------------------------- entry points

    /** One GEMM over whole segments (see {@link Backend#gemm}); pool runs the parallel parts. */
    static void gemm(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        checkArgs(transA, transB, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0, 1);
        run(pool, true, transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc);
    }

    /** {@code batch} GEMMs; entry i of X starts at element i·strideX (stride 0 broadcasts A or B). */
    static void gemmBatched(WorkerPool pool, boolean transA, boolean transB, int m, int n, int k, float alpha,
                            MemorySegment a, int lda, long strideA, MemorySegment b, int ldb, long strideB,
                            float beta, MemorySegment c, int ldc, long strideC, int batch) {
        checkArgs(transA, transB, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC, batch);
        if (batch == 0) return;
        long rows = (long) m * batch;
        // One B for all entries, with A and C entries stacked row after row, is one tall GEMM.
        boolean stacked = strideB == 0 && !transA && strideA == (long) m * lda && strideC == (long) m * ldc;
        if (batch == 1 || (stacked && rows <= Integer.MAX_VALUE)) {
            run(pool, true, transA, transB, (int) rows, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, ldc);
            return;
        }
        long work = (long) m * n * k;
        if (pool.threads() > 1 && batch >= pool.threads() && work < BATCH_ENTRY_WORK
                && work * batch >= PARALLEL_WORK) {
            Batch job = SCRATCH.get().batch;
            job.set(transA, transB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC);
            try {
                pool.parallelFor(batch, job);
            } finally {
                job.clear();
            }
            return;
        }
        for (int i = 0; i < batch; i++) {
            run(pool, true, transA, transB, m, n, k, alpha, a, i * strideA, lda, b, i * strideB, ldb,
                    beta, c, i * strideC, ldc);
        }
    }

    private static void run(WorkerPool pool, boolean mayParallelise, boolean transA, boolean transB,
                            int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
                            MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        boolean parallel = mayParallelise && pool.threads() > 1 && (long) m * n * k >= PARALLEL_WORK;
        if (GemmNarrowB.applies(m, n, k)) {
            GemmNarrowB.run(parallel ? pool : null, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (GemmSmallOutput.applies(transB, m, n, k)) {
            GemmSmallOutput.run(parallel ? pool : null, transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Scratch s = SCRATCH.get();
        Gemm job = s.gemm;
        job.set(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        try {
            job.run(parallel ? pool : null, s);
        } finally {
            job.clear();
        }
    }

    /** C = beta·C (beta == 0: zeros, C not read); the k == 0 case. */
    private static void scaleC(int m, int n, float beta, MemorySegment c, long cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            long row = cOff + (long) i * ldc;
            for (int j = 0; j < n; j++) {
                float v = beta == 0f ? 0f : beta * c.getAtIndex(ValueLayout.JAVA_FLOAT, row + j);
                c.setAtIndex(ValueLayout.JAVA_FLOAT, row + j, v);
            }
        }
    }

    // ---------------------------------------------------------------- one GEMM

    /**
     * The state of one GEMM call, reused per thread so a call allocates nothing. As a task body it
     * either packs a range of B panels or computes one (row block, column range) task.
     */
    private static final class Gemm implements IntConsumer {
        private boolean transA, transB;
        private int m, n, k, lda, ldb, ldc;
        private float alpha, beta;
        private MemorySegment a, b, c;
        private long aOff, bOff, cOff;

        // Current B chunk: op(B)[p0:p0+kb, j0:j0+nc], packed as kBlocks × panels (kc, NR) panels.
        private float[] packedB;
        private int j0, nc, p0, kb, kBlocks, panels;
        // Partition of the current phase.
        private boolean packing;
        private int packTasks, mc, mTasks, nTasks, panelsPerTask;

        void set(boolean transA, boolean transB, int m, int n, int k, float alpha,
                 MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                 float beta, MemorySegment c, long cOff, int ldc) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
        }

        /** Drops the operand references so finished buffers are not kept reachable. */
        void clear() {
            a = b = c = null;
            packedB = null;
        }

        /** Runs the whole GEMM; pool == null runs every task on the calling thread. */
        void run(WorkerPool pool, Scratch s) {
            int threads = pool == null ? 1 : pool.threads();
            for (j0 = 0; j0 < n; j0 += nc) {
                nc = Math.min(NC, n - j0);
                panels = ceilDiv(nc, NR);
                int width = panels * NR;
                int kbMax = Math.max(KC, PACKED_B_FLOATS / width / KC * KC);
                for (p0 = 0; p0 < k; p0 += kb) {
                    kb = Math.min(kbMax, k - p0);
                    kBlocks = ceilDiv(kb, KC);
                    packedB = s.packedB(kb * width);

                    packing = true;
                    // A small chunk is packed by the calling thread alone: waking workers costs more.
                    packTasks = (long) kb * width < PARALLEL_PACK_FLOATS ? 1 : Math.min(kBlocks * panels, threads);
                    forEachTask(pool, packTasks);

                    packing = false;
                    partition(threads);
                    forEachTask(pool, mTasks * nTasks);
                }
            }
        }

        private void forEachTask(WorkerPool pool, int tasks) {
            if (pool == null || tasks == 1) {
                for (int t = 0; t < tasks; t++) accept(t);
            } else {
                pool.parallelFor(tasks, this);
            }
        }

        /**
         * Splits C into tasks: row blocks of at most MC rows (a multiple of MR, balanced). With
         * several threads and enough rows, the row-block count is a multiple of the thread count;
         * with fewer row blocks than threads (small m), the columns are split as well.
         */
        private void partition(int threads) {
            mTasks = ceilDiv(m, MC);
            if (threads > 1 && mTasks >= threads) {
                mTasks = Math.min(ceilDiv(mTasks, threads) * threads, ceilDiv(m, MR));
            }
            mc = Math.min(m, ceilDiv(ceilDiv(m, mTasks), MR) * MR);
            mTasks = ceilDiv(m, mc);
            nTasks = mTasks >= threads ? 1 : Math.min(panels, ceilDiv(threads, mTasks));
            panelsPerTask = ceilDiv(panels, nTasks);
            nTasks = ceilDiv(panels, panelsPerTask);
        }

        @Override
        public void accept(int t) {
            if (packing) packB(t);
            else compute(t);
        }

        /** Packs task t's share of the chunk's (k-block, panel) units. */
        private void packB(int t) {
            int units = kBlocks * panels, width = panels * NR;
            int from = (int) ((long) units * t / packTasks), to = (int) ((long) units * (t + 1) / packTasks);
            for (int u = from; u < to; u++) {
                int q = u / panels, p = u % panels;
                int kc = Math.min(KC, kb - q * KC);
                int dOff = q * KC * width + p * kc * NR;
                GemmPacking.packB(b, bOff, ldb, transB, p0 + q * KC, kc, j0 + p * NR,
                        Math.min(NR, nc - p * NR), alpha, packedB, dOff);
            }
        }

        /** C[i0:i0+rows, cols of the task] for the chunk's k range, one k-block at a time. */
        private void compute(int t) {
            Scratch own = SCRATCH.get(); // the executing thread's packing buffers
            int i0 = (t / nTasks) * mc, rows = Math.min(mc, m - i0);
            int firstPanel = (t % nTasks) * panelsPerTask;
            int cols = Math.min(nc - firstPanel * NR, panelsPerTask * NR);
            int width = panels * NR;
            long cBlock = cOff + (long) i0 * ldc + j0 + (long) firstPanel * NR;
            for (int q = 0; q < kBlocks; q++) {
                int kc = Math.min(KC, kb - q * KC);
                GemmPacking.packA(a, aOff, lda, transA, i0, rows, p0 + q * KC, kc, own.packedA);
                float betaNow = p0 + q * KC == 0 ? beta : 1f;
                GemmKernel.macroKernel(own.packedA, !transA, rows, kc, packedB, q * KC * width + firstPanel * kc * NR,
                        cols, c, cBlock, ldc, betaNow, own.tile);
            }
        }
    }

    /** A batch spread over its entries: each task runs one entry's GEMM on its own thread. */
    private static final class Batch implements IntConsumer {
        private boolean transA, transB;
        private int m, n, k, lda, ldb, ldc;
        private float alpha, beta;
        private MemorySegment a, b, c;
        private long strideA, strideB, strideC;

        void set(boolean transA, boolean transB, int m, int n, int k, float alpha,
                 MemorySegment a, int lda, long strideA, MemorySegment b, int ldb, long strideB,
                 float beta, MemorySegment c, int ldc, long strideC) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.lda = lda;
            this.strideA = strideA;
            this.b = b;
            this.ldb = ldb;
            this.strideB = strideB;
            this.beta = beta;
            this.c = c;
            this.ldc = ldc;
            this.strideC = strideC;
        }

        void clear() {
            a = b = c = null;
        }

        @Override
        public void accept(int i) {
            run(null, false, transA, transB, m, n, k, alpha, a, i * strideA, lda, b, i * strideB, ldb,
                    beta, c, i * strideC, ldc);
        }
    }

    // ---------------------------------------------------------------- argument checks

    private static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                                  MemorySegment a, int lda, long strideA, MemorySegment b, int ldb, long strideB,
                                  MemorySegment c, int ldc, long strideC, int batch) {
        if (m < 0 || n < 0 || k < 0 || batch < 0) {
            throw new IllegalArgumentException("gemm: m, n, k and batch must be non-negative, got m=" + m
                    + " n=" + n + " k=" + k + " batch=" + batch);
        }
        if (strideA < 0 || strideB < 0 || strideC < 0) {
            throw new IllegalArgumentException("gemm: batch strides must be non-negative, got " + strideA + ", " + strideB + ", " + strideC);
        }
        if (strideC == 0 && batch > 1 && m > 0 && n > 0) {
            throw new IllegalArgumentException("gemm: strideC is 0 for a batch of " + batch + " (only A and B may broadcast)");
        }
        checkOperand("A", transA ? k : m, transA ? m : k, lda, "lda", a, strideA, batch, transA);
        checkOperand("B", transB ? n : k, transB ? k : n, ldb, "ldb", b, strideB, batch, transB);
        checkOperand("C", m, n, ldc, "ldc", c, strideC, batch, false);
    }

    /** A stored (rows, cols) operand with leading dimension ld must fit in its segment. */
    private static void checkOperand(String name, int rows, int cols, int ld, String ldName,
                                     MemorySegment s, long stride, int batch, boolean trans) {
        if (ld < cols || ld < 0) {
            throw new IllegalArgumentException("gemm: " + name + " is stored (" + rows + "," + cols + ")"
                    + (trans ? " (transposed)" : "") + " so " + ldName + " must be at least " + cols + ", got " + ld);
        }
        if (rows == 0 || cols == 0 || batch == 0) return;
        long needed = (long) (rows - 1) * ld + cols + (batch - 1) * stride;
        long have = s.byteSize() >>> 2;
        if (needed > have) {
            throw new IllegalArgumentException("gemm: " + name + " stored (" + rows + "," + cols + ") with "
                    + ldName + "=" + ld + (batch > 1 ? ", batch " + batch + " with stride " + stride : "")
                    + " needs " + needed + " floats, buffer has " + have);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
