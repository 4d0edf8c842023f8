package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.load;
import static dev.dat4j.vecops.Simd.set;
import static dev.dat4j.vecops.Simd.store;

/**
 * Inverted dropout with {@link DropoutRng}'s counter-based hash computed in 64-bit vector lanes.
 *
 * <p>The kept/dropped decision is made on integers: {@code uniform = k·2⁻²⁴} with k the hash's
 * top 24 bits, and for float p, k·2⁻²⁴ ≥ p ⇔ k ≥ ⌈p·2²⁴⌉ exactly (both sides are exact in
 * double). So the mask is bit-identical to {@link DropoutRng#uniform}{@code (seed, i) ≥ p} for
 * every element, thread split and vector width.
 */
final class VectorDropout {
    private static final VectorSpecies<Long> LS = VectorSpecies.of(long.class, S.vectorShape());
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    /** Lanes per long vector: half a float vector. */
    private static final int HALF = LS.length();

    private VectorDropout() {}

    static void dropout(long n, MemorySegment x, float p, long seed, MemorySegment y) {
        float keepScale = 1f / (1f - p);
        int threshold = threshold(p);
        LongVector iota = LongVector.zero(LS).addIndex(1);
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) {
                IntVector k = (IntVector) top24(seed, iota.add(i)).convertShape(VectorOperators.L2I, IS, 0);
                k = k.or((IntVector) top24(seed, iota.add(i + HALF)).convertShape(VectorOperators.L2I, IS, -1));
                VectorMask<Float> keep = k.compare(VectorOperators.GE, threshold).cast(S);
                store(FloatVector.zero(S).blend(load(x, i).mul(keepScale), keep), y, i);
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
