package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.set;

/**
 * Vector API kernels for broadcasting binary ops and the simple elementwise ops (fill, affine,
 * pow, axpy, where). All are memory-bound: one pass, split over the worker pool when large.
 *
 * <p>Except for {@code pow} with a special exponent (see there), every result is bit-identical
 * to {@link ScalarBackend}: the same float operations are applied in the same order, and Java
 * never fuses a multiply and an add on its own.
 */
final class VectorElementwise {
    private VectorElementwise() {}

    // ---------------------------------------------------------------- binary with broadcasting

    /**
     * out = op(a, b) over {@code shape}, out contiguous, a and b strided (stride 0 broadcasts).
     * The merged layout's innermost dimension picks the row kernel: both operands contiguous,
     * one contiguous and the other constant along the row (a bias, a scalar), or strided.
     */
    static void binary(BinaryOp op, int[] shape, MemorySegment a, long[] aStrides, MemorySegment b, long[] bStrides,
                       MemorySegment out) {
        StridedLayout layout = StridedLayout.of(shape, aStrides, bStrides);
        long n = layout.volume();
        if (n == 0) return;
        long inner = layout.inner();
        long as = layout.innerStride(0), bs = layout.innerStride(1);
        Parallel.forRange(n, (from, to) -> {
            // Walk the rows that overlap [from, to): a partial first row, whole rows, a partial last row.
            StridedLayout.Cursor cur = layout.new Cursor(from / inner);
            long col = from % inner;
            for (long i = from; i < to; ) {
                long run = col == 0 ? Math.min((to - i) / inner, cur.runLeft()) : 0;
                if (run > 1) { // whole rows along one dimension: offsets by addition, no cursor step per row
                    binaryRows(op, layout, a, cur.offset[0], b, cur.offset[1], out, i, run);
                    i += run * inner;
                    cur.advance(run);
                    continue;
                }
                long len = Math.min(inner - col, to - i);
                binaryRow(op, a, cur.offset[0] + col * as, as, b, cur.offset[1] + col * bs, bs, out, i, len);
                i += len;
                col = 0;
                cur.next();
            }
        });
    }

    /** {@code run} consecutive whole rows of the layout's second-innermost dimension, from output element oo. */
    private static void binaryRows(BinaryOp op, StridedLayout layout, MemorySegment a, long ao, MemorySegment b, long bo,
                                   MemorySegment out, long oo, long run) {
        int d = layout.rank() - 2;
        long inner = layout.inner(), as = layout.innerStride(0), bs = layout.innerStride(1);
        long ra = layout.strides[0][d], rb = layout.strides[1][d];
        for (long r = 0; r < run; r++) binaryRow(op, a, ao + r * ra, as, b, bo + r * rb, bs, out, oo + r * inner, inner);
    }

    /**
     * out[oo+i] = op(a[ao + i·as], b[bo + i·bs]) for i in [0, len). The vector loop covers
     * operands that are contiguous (stride 1) or constant (stride 0) along the row, and
     * {@link #binaryTail} its last partial vector; anything else runs the scalar loop. The op
     * switch sits inside the loop (C2 predicts it perfectly): a vector helper method could be
     * compiled on its own and then not inlined, boxing every vector it takes or returns (a shared
     * {@code apply(op, x, y)} made contiguous adds 4× slower in a training step); for the same
     * reason loads and stores call the (force-inlined) Vector API directly (see {@link Simd}).
     */
    private static void binaryRow(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                  MemorySegment out, long oo, long len) {
        if ((as == 0 || as == 1) && (bs == 0 || bs == 1)) {
            FloatVector ca = FloatVector.broadcast(S, get(a, ao)), cb = FloatVector.broadcast(S, get(b, bo));
            long i = 0;
            for (long end = bound(len); i < end; i += L) {
                FloatVector x = as == 1 ? FloatVector.fromMemorySegment(S, a, (ao + i) << 2, ORDER) : ca;
                FloatVector y = bs == 1 ? FloatVector.fromMemorySegment(S, b, (bo + i) << 2, ORDER) : cb;
                FloatVector r = switch (op) {
                    case ADD -> x.add(y);
                    case SUB -> x.sub(y);
                    case MUL -> x.mul(y);
                    case DIV -> x.div(y);
                    case MAX -> x.max(y);
                    case MIN -> x.min(y);
                    case EQ -> x.broadcast(0f).blend(1f, x.compare(VectorOperators.EQ, y));
                    case GT -> x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, y));
                };
                r.intoMemorySegment(out, (oo + i) << 2, ORDER);
            }
            if (i < len) binaryTail(op, a, ao + i * as, as, b, bo + i * bs, bs, out, oo + i, (int) (len - i));
            return;
        }
        for (long i = 0; i < len; i++) set(out, oo + i, op.apply(get(a, ao + i * as), get(b, bo + i * bs)));
    }

    /**
     * {@link #binaryRow}'s last n < L elements (strides 0 or 1) as one masked vector: rows shorter
     * than a vector, such as the 8-wide head rows of a broadcast multiply, would otherwise run
     * element by element (~4 ns per element). Takes and returns no vector, so it cannot box.
     */
    private static void binaryTail(BinaryOp op, MemorySegment a, long ao, long as, MemorySegment b, long bo, long bs,
                                   MemorySegment out, long oo, int n) {
        VectorMask<Float> m = S.indexInRange(0, n);
        FloatVector x = as == 1 ? FloatVector.fromMemorySegment(S, a, ao << 2, ORDER, m) : FloatVector.broadcast(S, get(a, ao));
        FloatVector y = bs == 1 ? FloatVector.fromMemorySegment(S, b, bo << 2, ORDER, m) : FloatVector.broadcast(S, get(b, bo));
        FloatVector r = switch (op) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            case DIV -> x.div(y);
            case MAX -> x.max(y);
            case MIN -> x.min(y);
            case EQ -> x.broadcast(0f).blend(1f, x.compare(VectorOperators.EQ, y));
            case GT -> x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, y));
        };
        r.intoMemorySegment(out, oo << 2, ORDER, m);
    }

    // ---------------------------------------------------------------- simple elementwise

    /** x[0..n) = value. */
    static void fill(MemorySegment x, long n, float value) {
        Parallel.forRange(n, (from, to) -> fillRange(x, from, to, value));
    }

    /** x[from..to) = value, on the calling thread. */
    static void fillRange(MemorySegment x, long from, long to, float value) {
        FloatVector v = FloatVector.broadcast(S, value);
        long i = from, end = from + bound(to - from);
        for (; i < end; i += L) v.intoMemorySegment(x, i << 2, ORDER);
        for (; i < to; i++) set(x, i, value);
    }

    /** y = alpha·x + beta. */
    static void affine(long n, MemorySegment x, float alpha, float beta, MemorySegment y) {
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) FloatVector.fromMemorySegment(S, x, i << 2, ORDER).mul(alpha).add(beta).intoMemorySegment(y, i << 2, ORDER);
            for (; i < to; i++) set(y, i, alpha * get(x, i) + beta);
        });
    }

    /** y += alpha·x. */
    static void axpy(long n, float alpha, MemorySegment x, MemorySegment y) {
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) FloatVector.fromMemorySegment(S, y, i << 2, ORDER).add(FloatVector.fromMemorySegment(S, x, i << 2, ORDER).mul(alpha)).intoMemorySegment(y, i << 2, ORDER);
            for (; i < to; i++) set(y, i, get(y, i) + alpha * get(x, i));
        });
    }

    /** out = cond != 0 ? a : b. */
    static void where(long n, MemorySegment cond, MemorySegment a, MemorySegment b, MemorySegment out) {
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) {
                FloatVector.fromMemorySegment(S, b, i << 2, ORDER).blend(FloatVector.fromMemorySegment(S, a, i << 2, ORDER), FloatVector.fromMemorySegment(S, cond, i << 2, ORDER).compare(VectorOperators.NE, 0f)).intoMemorySegment(out, i << 2, ORDER);
            }
            for (; i < to; i++) set(out, i, get(cond, i) != 0f ? get(a, i) : get(b, i));
        });
    }

    /**
     * y = x^p. The exponents that models use get exact vector forms: p = 1 and 2 are bit-identical
     * to {@code Math.pow}; p = 0.5, −0.5, −1 and 3 differ from it by at most an ulp or two (one or
     * two float roundings instead of one), and p = 0.5 returns −0 for −0 where pow returns +0.
     * Any other exponent runs {@code Math.pow} per element (the Vector API's POW is not
     * intrinsified at every width), still split over threads.
     */
    static void pow(long n, MemorySegment x, float p, MemorySegment y) {
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            if (p == 1f) {
                for (; i < end; i += L) FloatVector.fromMemorySegment(S, x, i << 2, ORDER).intoMemorySegment(y, i << 2, ORDER);
            } else if (p == 2f) {
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER);
                    v.mul(v).intoMemorySegment(y, i << 2, ORDER);
                }
            } else if (p == 3f) {
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER);
                    v.mul(v).mul(v).intoMemorySegment(y, i << 2, ORDER);
                }
            } else if (p == 0.5f) {
                for (; i < end; i += L) FloatVector.fromMemorySegment(S, x, i << 2, ORDER).sqrt().intoMemorySegment(y, i << 2, ORDER);
            } else if (p == -0.5f) {
                for (; i < end; i += L) FloatVector.broadcast(S, 1f).div(FloatVector.fromMemorySegment(S, x, i << 2, ORDER).sqrt()).intoMemorySegment(y, i << 2, ORDER);
            } else if (p == -1f) {
                for (; i < end; i += L) FloatVector.broadcast(S, 1f).div(FloatVector.fromMemorySegment(S, x, i << 2, ORDER)).intoMemorySegment(y, i << 2, ORDER);
            }
            for (; i < to; i++) set(y, i, (float) Math.pow(get(x, i), p));
        });
    }
}
