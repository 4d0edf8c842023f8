package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.set;

/**
 * Inverted dropout with {@link DropoutRng}'s counter-based hash computed in 64-bit vector lanes.
 *
 * <p>The kept/dropped decision is made on integers: {@code uniform = k·2⁻²⁴} with k the hash's
 * top 24 bits, and for float p, k·2⁻²⁴ ≥ p ⇔ k ≥ ⌈p·2²⁴⌉ exactly (both sides are exact in
 * double). So the mask is bit-identical to {@link DropoutRng#uniform}{@code (seed, i) ≥ p} for
 * every element, thread split and vector width.
 *
 * <p>The hash needs 64-bit lanes, so the loop walks {@link #LS} long vectors (full width) and
 * the floats they decide in half-width float vectors: a long mask casts directly to a float mask
 * of the same lane count, with no shape-changing conversions (which made the loop body too big
 * for C2 to inline everything, and boxed vectors).
 */
final class VectorDropout {
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
    /** Floats with as many lanes as {@link #LS}: half the bit size. */
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(S.vectorBitSize() / 2));
    /**
     * Long lanes per step. At 128 bits (2 lanes) the half-width float vectors would be 64-bit,
     * which C2 does not intrinsify on x86 (the loop ran 100x slower, boxing): there the scalar
     * hash runs instead, still split over threads.
     */
    private static final int LANES = LS.length() >= 4 ? LS.length() : Integer.MAX_VALUE;

    private VectorDropout() {}

    static void dropout(long n, MemorySegment x, float p, long seed, MemorySegment y) {
        float keepScale = 1f / (1f - p);
        int threshold = threshold(p);
        LongVector iota = LongVector.zero(LS).addIndex(1);
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = LANES == Integer.MAX_VALUE ? from : from + (to - from) / LANES * LANES;
            for (; i < end; i += LANES) {
                VectorMask<Float> keep = top24(seed, iota.add(i)).compare(VectorOperators.GE, threshold).cast(FH);
                FloatVector v = FloatVector.fromMemorySegment(FH, x, i << 2, ORDER).mul(keepScale);
                FloatVector.zero(FH).blend(v, keep).intoMemorySegment(y, i << 2, ORDER);
            }
            for (; i < to; i++) set(y, i, DropoutRng.uniform(seed, i) >= p ? get(x, i) * keepScale : 0f);
        });
    }

    /** The top 24 bits of {@link DropoutRng#hash}(seed, index) for each lane's index. */
    private static LongVector top24(long seed, LongVector index) {
        LongVector z = index.add(1).mul(0x9E3779B97F4A7C15L).add(seed);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
        z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
        return z.lanewise(VectorOperators.LSHR, 40);
    }

    /** Smallest k in [0, 2²⁴] with k·2⁻²⁴ ≥ p (2²⁴ + 1, keeping nothing, for p > 1 or NaN). */
    static int threshold(float p) {
        if (!(p <= 1f)) return (1 << 24) + 1;
        return (int) Math.max(0, Math.ceil(p * 0x1.0p24));
    }
}
