package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.set;

/**
 * Vector API kernels for {@link UnaryOp}: y = f(x) and dx = dy·f'(x).
 *
 * <p>Accuracy: EXP, LOG and TANH are {@link Simd#exp}, {@link Simd#log}, {@link Simd#tanh}
 * (polynomials from basic arithmetic, so the same bits in every JIT tier; within a few ulp of the
 * scalar reference, which computes in double and rounds once). SIGMOID and SILU build on EXP. GELU_TANH uses the identity
 * 0.5·(1 + tanh u) = σ(2u) = 1/(1 + e^(−2u)): one exp and one division instead of a tanh (about
 * twice as fast), and no cancellation for negative x, where the reference's 1 + tanh(u) loses
 * digits; the two agree within 2e-7 absolute + 2e-6 relative (GELU') and 1e-6 absolute (its
 * derivative, whose reference subtracts nearly equal terms). The other ops use the reference's
 * float operations (RSQRT: 1/√x in two float roundings instead of one in double).
 */
final class VectorUnary {
    private static final float SQRT_2_OVER_PI = UnaryOp.SQRT_2_OVER_PI;
    private static final float GELU_C = UnaryOp.GELU_C;

    private VectorUnary() {}

    /** y = f(x); y may alias x. */
    static void forward(UnaryOp op, long n, MemorySegment x, MemorySegment y) {
        Parallel.forRange(n, (from, to) -> {
            long end = from + bound(to - from);
            switch (op) {
                case EXP -> exp(x, y, from, end);
                case SIGMOID -> sigmoid(x, y, from, end);
                case GELU_TANH -> gelu(x, y, from, end);
                case SILU -> silu(x, y, from, end);
                case LOG -> log(x, y, from, end);
                case TANH -> tanh(x, y, from, end);
                default -> simple(op, x, y, from, end);
            }
            for (long i = end; i < to; i++) set(y, i, op.apply(get(x, i)));
        });
    }

    /*
     * One small method per loop, on purpose: a single loop with a switch over every op went over
     * C2's inlining budget (see Simd), and the vectors crossing the calls it then made for real
     * were boxed: 5× slower.
     */

    /** y[i] = f(x[i]) for the ops that are one or two vector instructions, i in [from, end). */
    private static void simple(UnaryOp op, MemorySegment x, MemorySegment y, long from, long end) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (long i = from; i < end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER);
            FloatVector r = switch (op) {
                case NEG -> v.neg();
                case ABS -> v.abs();
                case SQRT -> v.sqrt();
                case RSQRT -> one.div(v.sqrt());
                case SQUARE -> v.mul(v);
                case RECIPROCAL -> one.div(v);
                case RELU -> zero.blend(v, v.compare(VectorOperators.GT, 0f));
                default -> throw new IllegalStateException(op + " has its own loop");
            };
            r.intoMemorySegment(y, i << 2, ORDER);
        }
    }

    private static void exp(MemorySegment x, MemorySegment y, long from, long end) {
        for (long i = from; i < end; i += L) Simd.exp(FloatVector.fromMemorySegment(S, x, i << 2, ORDER)).intoMemorySegment(y, i << 2, ORDER);
    }

    private static void log(MemorySegment x, MemorySegment y, long from, long end) {
        for (long i = from; i < end; i += L) Simd.log(FloatVector.fromMemorySegment(S, x, i << 2, ORDER)).intoMemorySegment(y, i << 2, ORDER);
    }

    private static void tanh(MemorySegment x, MemorySegment y, long from, long end) {
        for (long i = from; i < end; i += L) Simd.tanh(FloatVector.fromMemorySegment(S, x, i << 2, ORDER)).intoMemorySegment(y, i << 2, ORDER);
    }

    private static void sigmoid(MemorySegment x, MemorySegment y, long from, long end) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (long i = from; i < end; i += L) one.div(Simd.exp(FloatVector.fromMemorySegment(S, x, i << 2, ORDER).neg()).add(1f)).intoMemorySegment(y, i << 2, ORDER);
    }

    /** x·σ(2u), u = √(2/π)(x + 0.044715x³): one exp instead of tanh, see the class comment. */
    private static void gelu(MemorySegment x, MemorySegment y, long from, long end) {
        for (long i = from; i < end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER);
            FloatVector u = v.mul(GELU_C).mul(v).mul(v).add(v).mul(SQRT_2_OVER_PI);
            v.div(Simd.exp(u.mul(-2f)).add(1f)).intoMemorySegment(y, i << 2, ORDER);
        }
    }

    private static void silu(MemorySegment x, MemorySegment y, long from, long end) {
        for (long i = from; i < end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER);
            v.div(Simd.exp(v.neg()).add(1f)).intoMemorySegment(y, i << 2, ORDER);
        }
    }

    /** dx = dy·f'(x) given y = f(x); dx may alias dy. */
    static void backward(UnaryOp op, long n, MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        Parallel.forRange(n, (from, to) -> {
            long end = from + bound(to - from);
            switch (op) {
                case GELU_TANH -> geluBackward(x, dy, dx, from, end);
                case SILU -> siluBackward(x, dy, dx, from, end);
                default -> simpleBackward(op, x, y, dy, dx, from, end);
            }
            for (long i = end; i < to; i++) set(dx, i, get(dy, i) * op.derivative(get(x, i), get(y, i)));
        });
    }

    /** dx = dy·f'(x) for the ops whose derivative is a few vector instructions of x and y. */
    private static void simpleBackward(UnaryOp op, MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx,
                                       long from, long end) {
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        for (long i = from; i < end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER), w = FloatVector.fromMemorySegment(S, y, i << 2, ORDER);
            FloatVector d = switch (op) {
                case NEG -> one.neg();
                case ABS -> zero.blend(1f, v.compare(VectorOperators.GT, 0f)).blend(-1f, v.compare(VectorOperators.LT, 0f));
                case EXP -> w;
                case LOG -> one.div(v);
                case SQRT -> one.mul(0.5f).div(w);
                case RSQRT -> w.mul(-0.5f).mul(w).mul(w);
                case SQUARE -> v.mul(2f);
                case RECIPROCAL -> w.neg().mul(w);
                case TANH -> one.sub(w.mul(w));
                case SIGMOID -> w.mul(one.sub(w));
                case RELU -> zero.blend(1f, v.compare(VectorOperators.GT, 0f));
                default -> throw new IllegalStateException(op + " has its own loop");
            };
            FloatVector.fromMemorySegment(S, dy, i << 2, ORDER).mul(d).intoMemorySegment(dx, i << 2, ORDER);
        }
    }

    /** s = σ(2u) = (1 + tanh u)/2, so GELU' = s + 2x·s(1 − s)·du. */
    private static void geluBackward(MemorySegment x, MemorySegment dy, MemorySegment dx, long from, long end) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (long i = from; i < end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER), x2 = v.mul(v);
            FloatVector u = x2.mul(GELU_C).mul(v).add(v).mul(SQRT_2_OVER_PI);
            FloatVector s = one.div(Simd.exp(u.mul(-2f)).add(1f));
            FloatVector du = x2.mul(3f * GELU_C).add(1f).mul(SQRT_2_OVER_PI);
            FloatVector.fromMemorySegment(S, dy, i << 2, ORDER).mul(v.mul(2f).mul(s).mul(one.sub(s)).mul(du).add(s)).intoMemorySegment(dx, i << 2, ORDER);
        }
    }

    /** SiLU' = s·(1 + x(1 − s)), s = σ(x). */
    private static void siluBackward(MemorySegment x, MemorySegment dy, MemorySegment dx, long from, long end) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (long i = from; i < end; i += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, i << 2, ORDER);
            FloatVector s = one.div(Simd.exp(v.neg()).add(1f));
            FloatVector.fromMemorySegment(S, dy, i << 2, ORDER).mul(s.mul(v.mul(one.sub(s)).add(1f))).intoMemorySegment(dx, i << 2, ORDER);
        }
    }
}
