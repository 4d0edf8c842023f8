package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.load;
import static dev.dat4j.vecops.Simd.set;
import static dev.dat4j.vecops.Simd.store;

/**
 * Vector API kernels for {@link UnaryOp}: y = f(x) and dx = dy·f'(x).
 *
 * <p>Accuracy: EXP, LOG and TANH use the Vector API's intrinsified float versions (Intel SVML
 * on x86), within 1 ulp of the correctly rounded result, where the scalar reference computes in
 * double and rounds once. SIGMOID and SILU build on EXP; GELU_TANH on TANH. Relative to the
 * reference this gives ≤ ~4 ulp (≈ 5e-7 relative), except where the formula itself cancels
 * (GELU for x ≲ −3, where 1 + tanh(u) loses digits): there the absolute error stays below
 * 1e-6·max(1, |x|). The other ops use the same float operations as the reference
 * (RSQRT: 1/√x in two float roundings instead of one in double).
 */
final class VectorUnary {
    private static final float SQRT_2_OVER_PI = UnaryOp.SQRT_2_OVER_PI;
    private static final float GELU_C = UnaryOp.GELU_C;

    private VectorUnary() {}

    /** y = f(x); y may alias x. */
    static void forward(UnaryOp op, long n, MemorySegment x, MemorySegment y) {
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) store(apply(op, load(x, i)), y, i);
            for (; i < to; i++) set(y, i, op.apply(get(x, i)));
        });
    }

    /** dx = dy·f'(x) given y = f(x); dx may alias dy. */
    static void backward(UnaryOp op, long n, MemorySegment x, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) store(load(dy, i).mul(derivative(op, load(x, i), load(y, i))), dx, i);
            for (; i < to; i++) set(dx, i, get(dy, i) * op.derivative(get(x, i), get(y, i)));
        });
    }

    /** Vector form of {@link UnaryOp#apply}; each case uses a constant operator so C2 intrinsifies it. */
    private static FloatVector apply(UnaryOp op, FloatVector x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case EXP -> x.lanewise(VectorOperators.EXP);
            case LOG -> x.lanewise(VectorOperators.LOG);
            case SQRT -> x.sqrt();
            case RSQRT -> one(x).div(x.sqrt());
            case SQUARE -> x.mul(x);
            case RECIPROCAL -> one(x).div(x);
            case TANH -> x.lanewise(VectorOperators.TANH);
            case SIGMOID -> one(x).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
            case RELU -> x.blend(0f, x.compare(VectorOperators.GT, 0f).not());
            case GELU_TANH -> {
                FloatVector u = x.mul(GELU_C).mul(x).mul(x).add(x).mul(SQRT_2_OVER_PI); // same rounding order as UnaryOp
                yield x.mul(0.5f).mul(u.lanewise(VectorOperators.TANH).add(1f));
            }
            case SILU -> x.div(x.neg().lanewise(VectorOperators.EXP).add(1f));
        };
    }

    /** Vector form of {@link UnaryOp#derivative}. */
    private static FloatVector derivative(UnaryOp op, FloatVector x, FloatVector y) {
        return switch (op) {
            case NEG -> one(x).neg();
            case ABS -> x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f)).blend(-1f, x.compare(VectorOperators.LT, 0f));
            case EXP -> y;
            case LOG -> one(x).div(x);
            case SQRT -> one(x).mul(0.5f).div(y);
            case RSQRT -> y.mul(-0.5f).mul(y).mul(y);
            case SQUARE -> x.mul(2f);
            case RECIPROCAL -> y.neg().mul(y);
            case TANH -> one(x).sub(y.mul(y));
            case SIGMOID -> y.mul(one(x).sub(y));
            case RELU -> x.broadcast(0f).blend(1f, x.compare(VectorOperators.GT, 0f));
            case GELU_TANH -> {
                FloatVector x2 = x.mul(x);
                FloatVector u = x2.mul(GELU_C).mul(x).add(x).mul(SQRT_2_OVER_PI);
                FloatVector t = u.lanewise(VectorOperators.TANH);
                FloatVector du = x2.mul(3f * GELU_C).add(1f).mul(SQRT_2_OVER_PI);
                FloatVector left = t.add(1f).mul(0.5f);
                yield x.mul(0.5f).mul(one(x).sub(t.mul(t))).mul(du).add(left);
            }
            case SILU -> {
                FloatVector s = one(x).div(x.neg().lanewise(VectorOperators.EXP).add(1f));
                yield s.mul(x.mul(one(x).sub(s)).add(1f));
            }
        };
    }

    private static FloatVector one(FloatVector like) {
        return like.broadcast(1f);
    }
}
