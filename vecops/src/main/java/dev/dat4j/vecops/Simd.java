package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Constants and helpers shared by the Vector API kernels: the species, lane reductions, a
 * reproducible exp, scalar element access.
 *
 * <p>Kernels load and store vectors with {@code FloatVector.fromMemorySegment(S, seg, i << 2,
 * ORDER)} and {@code v.intoMemorySegment(seg, i << 2, ORDER)} written out, never through a helper
 * of ours. C2 stops inlining ordinary methods once a compilation is big (NodeCountInliningCutoff,
 * about 18,000 nodes; a Vector API loop with an exp gets there), and a vector handed to a method
 * that was not inlined is boxed: 5 bytes of garbage per float and several times slower. Vector API
 * methods are {@code @ForceInline} and exempt. The helpers below that take vectors ({@link #exp},
 * {@link #sumLanes}) sit early in a kernel's body, before the budget runs out, or once per row.
 * {@code bench/.../AllocationAudit} checks every kernel for boxing.
 */
final class Simd {
    static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    /** Lanes per vector. */
    static final int L = S.length();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Doubles in vectors of the same bit size as {@link #S} (half as many lanes). */
    static final VectorSpecies<Double> DS = VectorSpecies.of(double.class, S.vectorShape());
    /** Ints in vectors of the same bit size as {@link #S}. */
    static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());

    /** Butterfly shuffles i ↦ i ⊕ h for h = L/2, L/4, …, 1 (see {@link #sumLanes}). */
    private static final VectorShuffle<Float>[] FLOAT_FOLDS = folds(S);
    private static final VectorShuffle<Double>[] DOUBLE_FOLDS = folds(DS);

    private Simd() {}

    @SuppressWarnings("unchecked")
    private static <E> VectorShuffle<E>[] folds(VectorSpecies<E> species) {
        int steps = Integer.numberOfTrailingZeros(species.length());
        VectorShuffle<E>[] folds = new VectorShuffle[steps];
        for (int k = 0; k < steps; k++) {
            int h = species.length() >> (k + 1);
            folds[k] = VectorShuffle.fromOp(species, i -> i ^ h);
        }
        return folds;
    }

    /**
     * Σ of the lanes in a fixed butterfly order. {@code reduceLanes(ADD)} may add lanes in any
     * order, and does: the JIT-compiled and interpreted forms of one kernel gave different bits
     * in the same run. This sum is the same in every mode, so reductions are reproducible.
     */
    static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> fold : FLOAT_FOLDS) v = v.add(v.rearrange(fold));
        return v.lane(0);
    }

    /** Double version of {@link #sumLanes(FloatVector)}. */
    static double sumLanes(DoubleVector v) {
        for (VectorShuffle<Double> fold : DOUBLE_FOLDS) v = v.add(v.rearrange(fold));
        return v.lane(0);
    }

    private static final float LOG2E = 1.4426950408889634f;
    private static final float LN2_HI = 0.693145751953125f;      // ln 2 split in two: k·LN2_HI is exact
    private static final float LN2_LO = 1.42860682030941723e-6f;
    private static final float ROUND_MAGIC = 12582912f;          // 1.5·2²³: x + magic rounds x to an integer
    private static final float EXP_MAX = 88.37626f, EXP_MIN = -87.33654f;

    /**
     * e^x per lane, from basic arithmetic only (within 2 ulp of {@link Math#exp}). The Vector API's
     * {@code lanewise(EXP)} gives different bits when interpreted and when JIT-compiled (a Java
     * fallback vs. an intrinsic library), which made training differ between two identical runs in
     * one JVM; this version computes the same bits in every mode, and is faster than the intrinsic.
     * x = k·ln2 + r with |r| ≤ ln2/2, e^r by a degree-7 Taylor polynomial (truncation 5e-9), 2^k by
     * building the float exponent. Below EXP_MIN (−126·ln2) the result is 0, above EXP_MAX
     * (127.5·ln2, so 2^k never overflows) +∞ (the true value is within 1.5× of Float.MAX_VALUE there),
     * NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        return exp(x, true);
    }

    /**
     * {@link #exp} for arguments that cannot overflow (x ≤ 88, such as softmax's x − max ≤ 0): the
     * same bits, two vector operations fewer (no clamp to the largest exponent, no +∞ blend).
     */
    static FloatVector expNoOverflow(FloatVector x) {
        return exp(x, false);
    }

    private static FloatVector exp(FloatVector x, boolean overflow) {
        FloatVector kr = x.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUND_MAGIC));
        FloatVector k = kr.sub(ROUND_MAGIC);
        FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(S, 1f / 5040), FloatVector.broadcast(S, 1f / 720));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        // 2^k: k sits in the low mantissa bits of kr; its biased exponent k + 127, clamped to the
        // field's valid range [1, 254] (2^-126 .. 2^127), shifted into place.
        IntVector biased = kr.reinterpretAsInts().sub(0x4B400000 - 127).max(1);
        if (overflow) biased = biased.min(254);
        FloatVector e = p.mul(biased.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        e = e.blend(0f, x.compare(VectorOperators.LT, EXP_MIN));
        return overflow ? e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX)) : e;
    }

    /**
     * tanh per lane from basic arithmetic (Cephes' single-precision scheme, within 2e-7 absolute of
     * {@link Math#tanh}; the same bits in every JIT tier, like {@link #exp}): an odd polynomial for
     * |x| < 0.625, else sign(x)·(1 − 2/(e^{2|x|} + 1)). NaN stays NaN.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs(), z = a.mul(a);
        FloatVector p = z.fma(FloatVector.broadcast(S, -5.70498872745e-3f), FloatVector.broadcast(S, 2.06390887954e-2f));
        p = p.fma(z, FloatVector.broadcast(S, -5.37397155531e-2f));
        p = p.fma(z, FloatVector.broadcast(S, 1.33314422036e-1f));
        p = p.fma(z, FloatVector.broadcast(S, -3.33332819422e-1f));
        FloatVector small = p.mul(z).fma(a, a);
        FloatVector large = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(a.add(a)).add(1f)));
        FloatVector t = large.blend(small, a.compare(VectorOperators.LT, 0.625f)); // tanh |x| ≥ 0
        return t.reinterpretAsInts().or(x.reinterpretAsInts().and(0x80000000)).reinterpretAsFloats(); // the sign of x
    }

    private static final float SQRT_HALF = 0.70710678118654752440f;

    /**
     * Natural log per lane from basic arithmetic (Cephes' single-precision scheme: x = m·2^e with
     * m in [√½, √2), log(m) by a degree-9 polynomial in m − 1, e·ln 2 in two parts), so that it gives
     * the same bits in every JIT tier. log 0 = −∞, log of a negative number or NaN = NaN,
     * log ∞ = ∞; subnormal inputs are scaled by 2^23 first.
     */
    static FloatVector log(FloatVector x) {
        // Split in parts below C2's 325-bytecode limit for inlining a hot method: one method of
        // 441 bytecodes was never inlined, and its vector argument and result were boxed.
        VectorMask<Float> tiny = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        IntVector bits = x.blend(x.mul(8388608f), tiny).reinterpretAsInts();  // subnormals scaled by 2^23
        FloatVector m = bits.and(0x807fffff).or(0x3f000000).reinterpretAsFloats(); // x = m·2^e, m in [0.5, 1)
        VectorMask<Float> low = m.compare(VectorOperators.LT, SQRT_HALF);
        FloatVector f = m.add(m.blend(0f, low.not())).sub(1f);               // m − 1, or 2m − 1 below √½
        FloatVector r = logReduced(f, logExponent(bits, tiny, low));
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        r = r.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        return r.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.compare(VectorOperators.NE, x)));
    }

    /** The exponent e of x = m·2^e from its (scaled) bits, minus 23 where scaled, minus 1 where m < √½, as a float. */
    private static FloatVector logExponent(IntVector bits, VectorMask<Float> tiny, VectorMask<Float> low) {
        IntVector e = bits.lanewise(VectorOperators.LSHR, 23).and(0xff).sub(126);
        e = e.sub(IntVector.zero(IS).blend(23, tiny.cast(IS)));
        e = e.sub(IntVector.zero(IS).blend(1, low.cast(IS)));
        return e.convert(VectorOperators.I2F, 0).reinterpretAsFloats();
    }

    /** log(1 + f) + fe·ln 2 (Cephes' polynomial, ln 2 in two parts). */
    private static FloatVector logReduced(FloatVector f, FloatVector fe) {
        FloatVector z = f.mul(f);
        FloatVector y = f.fma(FloatVector.broadcast(S, 7.0376836292e-2f), FloatVector.broadcast(S, -1.1514610310e-1f));
        y = y.fma(f, FloatVector.broadcast(S, 1.1676998740e-1f));
        y = y.fma(f, FloatVector.broadcast(S, -1.2420140846e-1f));
        y = y.fma(f, FloatVector.broadcast(S, 1.4249322787e-1f));
        y = y.fma(f, FloatVector.broadcast(S, -1.6668057665e-1f));
        y = y.fma(f, FloatVector.broadcast(S, 2.0000714765e-1f));
        y = y.fma(f, FloatVector.broadcast(S, -2.4999993993e-1f));
        y = y.fma(f, FloatVector.broadcast(S, 3.3333331174e-1f));
        y = y.mul(f).mul(z);
        y = fe.fma(FloatVector.broadcast(S, -2.12194440e-4f), y);
        y = z.fma(FloatVector.broadcast(S, -0.5f), y);
        return fe.fma(FloatVector.broadcast(S, 0.693359375f), f.add(y));
    }

    /** Largest multiple of L not above n: the end of the vector loop, the start of the scalar tail. */
    static long bound(long n) {
        return n & -L; // L is a power of two
    }

    static float get(MemorySegment s, long i) {
        return s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    static void set(MemorySegment s, long i, float v) {
        s.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
    }

    static int getInt(MemorySegment s, long i) {
        return s.getAtIndex(ValueLayout.JAVA_INT, i);
    }
}
