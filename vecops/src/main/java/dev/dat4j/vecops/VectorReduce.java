package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.DS;
import static dev.dat4j.vecops.Simd.IS;
import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.set;
import static dev.dat4j.vecops.Simd.sumLanes;

/**
 * Vector API reductions: reduce (sum/mean/max/min over a middle axis), argmax, Σx², and the
 * per-row helpers (sum, max, dot) that softmax and the norms build on.
 *
 * <p>Determinism: a contiguous row is reduced with one vector accumulator whose lanes are
 * added once at the end in a fixed order ({@link Simd#sumLanes}), so a row's result does not
 * depend on the thread, the run or whether the JIT has compiled the kernel yet. Sums across
 * many rows or blocks are formed per fixed block and added in block order.
 */
final class VectorReduce {
    /** Columns per task when reducing over a strided (inner > 1) axis: 512 bytes per row of x. */
    private static final int COLUMN_BLOCK = 128;
    /** Elements per block of {@link #sumOfSquares}; the block count depends only on n. */
    private static final int SQUARES_BLOCK = 1 << 16;


    private VectorReduce() {}

    // ---------------------------------------------------------------- row helpers

    /**
     * Σ s[off .. off+n). Two accumulators (even and odd vectors) halve the add-latency chain for
     * rows that sit in L1; they are combined in a fixed order, so the result is reproducible.
     */
    static float sum(MemorySegment s, long off, int n) {
        if (n < L) { // a row shorter than a vector (relational attention's 8-wide dot products): no lane sums
            float r = 0f;
            for (int j = 0; j < n; j++) r += get(s, off + j);
            return r;
        }
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int j = 0;
        for (int end2 = n - n % (2 * L); j < end2; j += 2 * L) {
            acc0 = acc0.add(FloatVector.fromMemorySegment(S, s, (off + j) << 2, ORDER));
            acc1 = acc1.add(FloatVector.fromMemorySegment(S, s, (off + j + L) << 2, ORDER));
        }
        for (int end = (int) bound(n); j < end; j += L) acc0 = acc0.add(FloatVector.fromMemorySegment(S, s, (off + j) << 2, ORDER));
        float r = sumLanes(acc0.add(acc1));
        for (; j < n; j++) r += get(s, off + j);
        return r;
    }

    /**
     * max s[off .. off+n) (−∞ for n = 0; NaN if any element is NaN). Two accumulators: a row in
     * L1 is otherwise bound by the latency of the max chain (softmax's first pass).
     */
    static float max(MemorySegment s, long off, int n) {
        if (n < L) {
            float r = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) r = Math.max(r, get(s, off + j));
            return r;
        }
        FloatVector acc0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), acc1 = acc0;
        int j = 0;
        for (int end2 = n - n % (2 * L); j < end2; j += 2 * L) {
            acc0 = acc0.max(FloatVector.fromMemorySegment(S, s, (off + j) << 2, ORDER));
            acc1 = acc1.max(FloatVector.fromMemorySegment(S, s, (off + j + L) << 2, ORDER));
        }
        for (int end = (int) bound(n); j < end; j += L) acc0 = acc0.max(FloatVector.fromMemorySegment(S, s, (off + j) << 2, ORDER));
        float r = acc0.max(acc1).reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) r = Math.max(r, get(s, off + j));
        return r;
    }

    /** min s[off .. off+n) (+∞ for n = 0; NaN if any element is NaN). */
    static float min(MemorySegment s, long off, int n) {
        if (n < L) {
            float r = Float.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) r = Math.min(r, get(s, off + j));
            return r;
        }
        FloatVector acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        int j = 0;
        for (int end = (int) bound(n); j < end; j += L) acc = acc.min(FloatVector.fromMemorySegment(S, s, (off + j) << 2, ORDER));
        float r = acc.reduceLanes(VectorOperators.MIN);
        for (; j < n; j++) r = Math.min(r, get(s, off + j));
        return r;
    }

    /** Σ a[ao+j]·b[bo+j] for j in [0, n), with two accumulators as {@link #sum}. */
    static float dot(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int j = 0;
        for (int end2 = n - n % (2 * L); j < end2; j += 2 * L) {
            acc0 = acc0.add(FloatVector.fromMemorySegment(S, a, (ao + j) << 2, ORDER).mul(FloatVector.fromMemorySegment(S, b, (bo + j) << 2, ORDER)));
            acc1 = acc1.add(FloatVector.fromMemorySegment(S, a, (ao + j + L) << 2, ORDER).mul(FloatVector.fromMemorySegment(S, b, (bo + j + L) << 2, ORDER)));
        }
        for (int end = (int) bound(n); j < end; j += L) acc0 = acc0.add(FloatVector.fromMemorySegment(S, a, (ao + j) << 2, ORDER).mul(FloatVector.fromMemorySegment(S, b, (bo + j) << 2, ORDER)));
        float r = sumLanes(acc0.add(acc1));
        for (; j < n; j++) r += get(a, ao + j) * get(b, bo + j);
        return r;
    }

    // ---------------------------------------------------------------- reduce

    /** x (outer, n, inner) reduced over n → y (outer, inner). */
    static void reduce(ReduceOp op, int outer, int n, int inner, MemorySegment x, MemorySegment y) {
        if (inner == 1) {
            Parallel.forRows(outer, n, (r0, r1) -> {
                for (int r = r0; r < r1; r++) set(y, r, reduceRow(op, x, (long) r * n, n));
            });
            return;
        }
        // Each task owns a block of output columns of one outer index and walks down the n axis,
        // combining whole contiguous rows into y: the same order as the reference, so bit-identical.
        int blocks = (inner + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        Parallel.forRows(outer * blocks, (long) n * Math.min(inner, COLUMN_BLOCK), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int o = t / blocks, c0 = (t % blocks) * COLUMN_BLOCK, width = Math.min(COLUMN_BLOCK, inner - c0);
                reduceColumns(op, x, (long) o * n * inner + c0, n, inner, y, (long) o * inner + c0, width);
            }
        });
    }

    private static float reduceRow(ReduceOp op, MemorySegment x, long off, int n) {
        return switch (op) {
            case SUM -> sum(x, off, n);
            case MEAN -> sum(x, off, n) / n;
            case MAX -> max(x, off, n);
            case MIN -> min(x, off, n);
        };
    }

    /** y[yo .. yo+width) = op over j of x[xo + j·inner .. + width). */
    private static void reduceColumns(ReduceOp op, MemorySegment x, long xo, int n, int inner,
                                      MemorySegment y, long yo, int width) {
        float init = switch (op) {
            case SUM, MEAN -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
        int end = (int) bound(width);
        for (int c = 0; c < width; c++) set(y, yo + c, init);
        for (int j = 0; j < n; j++) {
            long row = xo + (long) j * inner;
            int c = 0;
            for (; c < end; c += L) {
                FloatVector acc = FloatVector.fromMemorySegment(S, y, (yo + c) << 2, ORDER), v = FloatVector.fromMemorySegment(S, x, (row + c) << 2, ORDER);
                (switch (op) {
                    case SUM, MEAN -> acc.add(v);
                    case MAX -> acc.max(v);
                    case MIN -> acc.min(v);
                }).intoMemorySegment(y, (yo + c) << 2, ORDER);
            }
            for (; c < width; c++) {
                float acc = get(y, yo + c), v = get(x, row + c);
                set(y, yo + c, switch (op) {
                    case SUM, MEAN -> acc + v;
                    case MAX -> Math.max(acc, v);
                    case MIN -> Math.min(acc, v);
                });
            }
        }
        if (op == ReduceOp.MEAN) {
            for (int c = 0; c < width; c++) set(y, yo + c, get(y, yo + c) / n);
        }
    }

    // ---------------------------------------------------------------- argmax

    /** First index of the maximum along n: x (outer, n, inner) → idx int32 (outer, inner). */
    static void argmax(int outer, int n, int inner, MemorySegment x, MemorySegment idx) {
        if (inner == 1) {
            Parallel.forRows(outer, n, (r0, r1) -> {
                for (int r = r0; r < r1; r++) idx.setAtIndex(ValueLayout.JAVA_INT, r, argmaxRow(x, (long) r * n, n));
            });
            return;
        }
        int blocks = (inner + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        Parallel.forRows(outer * blocks, (long) n * Math.min(inner, COLUMN_BLOCK), (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int o = t / blocks, c0 = (t % blocks) * COLUMN_BLOCK, width = Math.min(COLUMN_BLOCK, inner - c0);
                argmaxColumns(x, (long) o * n * inner + c0, n, inner, idx, (long) o * inner + c0, width);
            }
        });
    }

    /** Argmax of a contiguous row: the maximum by vectors, then its first position. */
    private static int argmaxRow(MemorySegment x, long off, int n) {
        float m = max(x, off, n);
        if (Float.isNaN(m)) { // the reference never moves onto a NaN; follow it exactly
            int best = 0;
            float bestV = get(x, off);
            for (int j = 1; j < n; j++) {
                float v = get(x, off + j);
                if (v > bestV) {
                    bestV = v;
                    best = j;
                }
            }
            return best;
        }
        int j = 0;
        for (int end = (int) bound(n); j < end; j += L) {
            VectorMask<Float> hit = FloatVector.fromMemorySegment(S, x, (off + j) << 2, ORDER).compare(VectorOperators.EQ, m);
            if (hit.anyTrue()) return j + hit.firstTrue();
        }
        for (; j < n; j++) if (get(x, off + j) == m) return j;
        return 0; // n == 0 does not occur for a valid call
    }

    /** Argmax down the n axis for {@code width} contiguous columns, vectorised across columns. */
    private static void argmaxColumns(MemorySegment x, long xo, int n, int inner, MemorySegment idx, long io, int width) {
        int c = 0;
        for (int end = (int) bound(width); c < end; c += L) {
            FloatVector best = FloatVector.fromMemorySegment(S, x, (xo + c) << 2, ORDER);
            IntVector bestJ = IntVector.zero(IS);
            for (int j = 1; j < n; j++) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, (xo + (long) j * inner + c) << 2, ORDER);
                VectorMask<Float> better = v.compare(VectorOperators.GT, best);
                best = best.blend(v, better);
                bestJ = bestJ.blend(j, better.cast(IS));
            }
            bestJ.intoMemorySegment(idx, (io + c) << 2, ORDER);
        }
        for (; c < width; c++) {
            int best = 0;
            float bestV = get(x, xo + c);
            for (int j = 1; j < n; j++) {
                float v = get(x, xo + (long) j * inner + c);
                if (v > bestV) {
                    bestV = v;
                    best = j;
                }
            }
            idx.setAtIndex(ValueLayout.JAVA_INT, io + c, best);
        }
    }

    // ---------------------------------------------------------------- Σ x²

    /** Σ x² in double: per fixed block of {@link #SQUARES_BLOCK} elements, blocks added in order. */
    static double sumOfSquares(long n, MemorySegment x) {
        int blocks = (int) Math.max(1, Parallel.ceilDiv(n, SQUARES_BLOCK));
        double[] partial = new double[blocks];
        Parallel.forBlocks(blocks, blk -> {
            long from = (long) blk * SQUARES_BLOCK, to = Math.min(n, from + SQUARES_BLOCK);
            DoubleVector acc0 = DoubleVector.zero(DS), acc1 = DoubleVector.zero(DS);
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER);
                DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, DS, 0);
                DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, DS, 1);
                acc0 = acc0.add(lo.mul(lo));
                acc1 = acc1.add(hi.mul(hi));
            }
            double s = sumLanes(acc0.add(acc1));
            for (; i < to; i++) {
                double v = get(x, i);
                s += v * v;
            }
            partial[blk] = s;
        });
        double total = 0;
        for (double p : partial) total += p;
        return total;
    }
}
