package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;

import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.set;
import static dev.dat4j.vecops.Simd.sumLanes;

/**
 * Vector API LayerNorm and RMSNorm, forward and backward. x, y, dy, dx: (rows, cols);
 * gamma, beta, dgamma, dbeta: (cols), each possibly null; mean, rstd: (rows).
 *
 * <p>Rows are independent and split over the worker pool. The parameter gradients sum over all
 * rows: each fixed block of rows (the block count depends only on the shape) sums into its own
 * partial row, and the partials are added in block order, so dgamma and dbeta are reproducible
 * for any thread count. Row statistics use vector sums (lane-order, then scalar tail), so they
 * differ from the sequential reference by a few ulp.
 */
final class VectorNorm {
    /** Upper bound on row blocks of the parameter gradients (bounds the partial-sum memory). */
    private static final int MAX_GRAD_BLOCKS = 64;

    private VectorNorm() {}

    // ---------------------------------------------------------------- LayerNorm

    static void layerNorm(int rows, int cols, MemorySegment x, MemorySegment gamma, MemorySegment beta, float eps,
                          MemorySegment y, MemorySegment mean, MemorySegment rstd) {
        Parallel.forRows(rows, 2L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long base = (long) r * cols;
                float mu = VectorReduce.sum(x, base, cols) / cols;
                float var = centredSquares(x, base, cols, mu) / cols;
                float rs = (float) (1.0 / Math.sqrt(var + eps));
                normalizeRow(x, base, cols, mu, rs, gamma, beta, y);
                set(mean, r, mu);
                set(rstd, r, rs);
            }
        });
    }

    /** Σ (x − mu)² over one row (two-pass variance, as the reference); two accumulators as VectorReduce.sum. */
    private static float centredSquares(MemorySegment x, long base, int n, float mu) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int j = 0;
        for (int end2 = n - n % (2 * L); j < end2; j += 2 * L) {
            FloatVector d0 = FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(mu), d1 = FloatVector.fromMemorySegment(S, x, (base + j + L) << 2, ORDER).sub(mu);
            acc0 = acc0.add(d0.mul(d0));
            acc1 = acc1.add(d1.mul(d1));
        }
        for (int end = (int) bound(n); j < end; j += L) {
            FloatVector d = FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(mu);
            acc0 = acc0.add(d.mul(d));
        }
        float s = sumLanes(acc0.add(acc1));
        for (; j < n; j++) {
            float d = get(x, base + j) - mu;
            s += d * d;
        }
        return s;
    }

    /** y = (x − mu)·rs, times gamma and plus beta where given; one loop per case keeps each tight. */
    private static void normalizeRow(MemorySegment x, long base, int n, float mu, float rs,
                                     MemorySegment g, MemorySegment b, MemorySegment y) {
        int end = (int) bound(n), j = 0;
        if (g != null && b != null) {
            for (; j < end; j += L) FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(mu).mul(rs).mul(FloatVector.fromMemorySegment(S, g, j << 2, ORDER)).add(FloatVector.fromMemorySegment(S, b, j << 2, ORDER)).intoMemorySegment(y, (base + j) << 2, ORDER);
        } else if (g != null) {
            for (; j < end; j += L) FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(mu).mul(rs).mul(FloatVector.fromMemorySegment(S, g, j << 2, ORDER)).intoMemorySegment(y, (base + j) << 2, ORDER);
        } else if (b != null) {
            for (; j < end; j += L) FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(mu).mul(rs).add(FloatVector.fromMemorySegment(S, b, j << 2, ORDER)).intoMemorySegment(y, (base + j) << 2, ORDER);
        } else {
            for (; j < end; j += L) FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(mu).mul(rs).intoMemorySegment(y, (base + j) << 2, ORDER);
        }
        for (; j < n; j++) {
            float v = (get(x, base + j) - mu) * rs;
            if (g != null) v *= get(g, j);
            if (b != null) v += get(b, j);
            set(y, base + j, v);
        }
    }

    static void layerNormBackward(int rows, int cols, MemorySegment x, MemorySegment gamma, MemorySegment mean,
                                  MemorySegment rstd, MemorySegment dy, MemorySegment dx,
                                  MemorySegment dgamma, MemorySegment dbeta) {
        GradBlocks grads = new GradBlocks(rows, cols, dgamma != null, dbeta != null);
        Parallel.forBlocks(grads.blocks, blk -> {
            int po = grads.offset(blk);
            for (int r = grads.firstRow(blk), end = grads.firstRow(blk + 1); r < end; r++) {
                long base = (long) r * cols;
                float mu = get(mean, r), rs = get(rstd, r);
                // dxhat = dy·gamma; dx = rs·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat))
                float[] sums = layerNormRowSums(x, dy, gamma, base, cols, mu, rs, grads.gamma, grads.beta, po);
                float meanD = sums[0] / cols, meanDX = sums[1] / cols;
                int vend = (int) bound(cols), j = 0;
                for (; j < vend; j += L) {
                    FloatVector xhat = FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(mu).mul(rs);
                    FloatVector d = gamma == null ? FloatVector.fromMemorySegment(S, dy, (base + j) << 2, ORDER) : FloatVector.fromMemorySegment(S, dy, (base + j) << 2, ORDER).mul(FloatVector.fromMemorySegment(S, gamma, j << 2, ORDER));
                    d.sub(meanD).sub(xhat.mul(meanDX)).mul(rs).intoMemorySegment(dx, (base + j) << 2, ORDER);
                }
                for (; j < cols; j++) {
                    float xhat = (get(x, base + j) - mu) * rs;
                    float d = get(dy, base + j) * (gamma == null ? 1f : get(gamma, j));
                    set(dx, base + j, rs * (d - meanD - xhat * meanDX));
                }
            }
        });
        grads.finish(dgamma, dbeta);
    }

    /**
     * Σ dy·gamma and Σ dy·gamma·xhat over one row, accumulating dy·xhat into pg[po..] and dy
     * into pb[po..] (either array may be null).
     */
    private static float[] layerNormRowSums(MemorySegment x, MemorySegment dy, MemorySegment gamma, long base, int n,
                                            float mu, float rs, float[] pg, float[] pb, int po) {
        FloatVector accD = FloatVector.zero(S), accDX = FloatVector.zero(S);
        int end = (int) bound(n), j = 0;
        for (; j < end; j += L) {
            FloatVector xhat = FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(mu).mul(rs);
            FloatVector g = FloatVector.fromMemorySegment(S, dy, (base + j) << 2, ORDER);
            FloatVector d = gamma == null ? g : g.mul(FloatVector.fromMemorySegment(S, gamma, j << 2, ORDER));
            accD = accD.add(d);
            accDX = accDX.add(d.mul(xhat));
            if (pg != null) FloatVector.fromArray(S, pg, po + j).add(g.mul(xhat)).intoArray(pg, po + j);
            if (pb != null) FloatVector.fromArray(S, pb, po + j).add(g).intoArray(pb, po + j);
        }
        float sumD = sumLanes(accD), sumDX = sumLanes(accDX);
        for (; j < n; j++) {
            float xhat = (get(x, base + j) - mu) * rs;
            float g = get(dy, base + j);
            float d = g * (gamma == null ? 1f : get(gamma, j));
            sumD += d;
            sumDX += d * xhat;
            if (pg != null) pg[po + j] += g * xhat;
            if (pb != null) pb[po + j] += g;
        }
        return new float[] {sumD, sumDX};
    }

    // ---------------------------------------------------------------- RMSNorm

    static void rmsNorm(int rows, int cols, MemorySegment x, MemorySegment gamma, float eps,
                        MemorySegment y, MemorySegment rstd) {
        Parallel.forRows(rows, 2L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long base = (long) r * cols;
                float rs = (float) (1.0 / Math.sqrt(VectorReduce.dot(x, base, x, base, cols) / cols + eps));
                normalizeRow(x, base, cols, 0f, rs, gamma, null, y);
                set(rstd, r, rs);
            }
        });
    }

    static void rmsNormBackward(int rows, int cols, MemorySegment x, MemorySegment gamma, MemorySegment rstd,
                                MemorySegment dy, MemorySegment dx, MemorySegment dgamma) {
        GradBlocks grads = new GradBlocks(rows, cols, dgamma != null, false);
        Parallel.forBlocks(grads.blocks, blk -> {
            int po = grads.offset(blk);
            for (int r = grads.firstRow(blk), end = grads.firstRow(blk + 1); r < end; r++) {
                long base = (long) r * cols;
                float rs = get(rstd, r);
                // dx = rs·(d − xhat·mean(d·xhat)), d = dy·gamma, xhat = x·rs
                float meanDX = layerNormRowSums(x, dy, gamma, base, cols, 0f, rs, grads.gamma, null, po)[1] / cols;
                int vend = (int) bound(cols), j = 0;
                for (; j < vend; j += L) {
                    FloatVector xhat = FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).mul(rs);
                    FloatVector d = gamma == null ? FloatVector.fromMemorySegment(S, dy, (base + j) << 2, ORDER) : FloatVector.fromMemorySegment(S, dy, (base + j) << 2, ORDER).mul(FloatVector.fromMemorySegment(S, gamma, j << 2, ORDER));
                    d.sub(xhat.mul(meanDX)).mul(rs).intoMemorySegment(dx, (base + j) << 2, ORDER);
                }
                for (; j < cols; j++) {
                    float xhat = get(x, base + j) * rs;
                    float d = get(dy, base + j) * (gamma == null ? 1f : get(gamma, j));
                    set(dx, base + j, rs * (d - xhat * meanDX));
                }
            }
        });
        grads.finish(dgamma, null);
    }

    // ---------------------------------------------------------------- parameter-gradient partials

    /**
     * Fixed row blocks for the parameter gradients, with one partial row (cols) per block and
     * gradient. The partials are small heap arrays (at most {@link #MAX_GRAD_BLOCKS}·cols floats):
     * short-lived scratch, not tensors.
     */
    private static final class GradBlocks {
        final int blocks;
        /** Partial sums, block-major: blocks × cols; null when that gradient is not wanted. */
        final float[] gamma, beta;
        private final int rows, cols, rowsPerBlock;

        GradBlocks(int rows, int cols, boolean wantGamma, boolean wantBeta) {
            this.rows = rows;
            this.cols = cols;
            int byWork = (int) Math.max(1, (long) rows * cols / Parallel.MIN_TASK_ELEMENTS);
            this.blocks = Math.max(1, Math.min(Math.min(rows, MAX_GRAD_BLOCKS), byWork));
            this.rowsPerBlock = (rows + blocks - 1) / blocks;
            this.gamma = wantGamma ? new float[blocks * cols] : null;
            this.beta = wantBeta ? new float[blocks * cols] : null;
        }

        int firstRow(int blk) {
            return Math.min(rows, blk * rowsPerBlock);
        }

        /** Offset of block blk's partial row. */
        int offset(int blk) {
            return blk * cols;
        }

        /** dgamma, dbeta = Σ over blocks of the partials, in block order. */
        void finish(MemorySegment dgamma, MemorySegment dbeta) {
            sumBlocks(gamma, dgamma);
            sumBlocks(beta, dbeta);
        }

        private void sumBlocks(float[] partials, MemorySegment out) {
            if (out == null) return;
            int end = (int) bound(cols), j = 0;
            for (; j < end; j += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int blk = 0; blk < blocks; blk++) acc = acc.add(FloatVector.fromArray(S, partials, blk * cols + j));
                acc.intoMemorySegment(out, j << 2, ORDER);
            }
            for (; j < cols; j++) {
                float acc = 0f;
                for (int blk = 0; blk < blocks; blk++) acc += partials[blk * cols + j];
                set(out, j, acc);
            }
        }
    }
}
