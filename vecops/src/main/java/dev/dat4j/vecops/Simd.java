package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Loads and stores of {@link VectorBackend#SPECIES} vectors at element (not byte) offsets of
 * float buffers. Tiny static methods: C2 always inlines them, so no vector is ever boxed.
 */
final class Simd {
    static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    /** Lanes per vector. */
    static final int L = S.length();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Doubles in vectors of the same bit size as {@link #S} (half as many lanes). */
    static final VectorSpecies<Double> DS = VectorSpecies.of(double.class, S.vectorShape());

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

    /** The vector of floats s[i .. i+L). */
    static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(S, s, i << 2, ORDER);
    }

    /** s[i .. i+L) = v. */
    static void store(FloatVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i << 2, ORDER);
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
