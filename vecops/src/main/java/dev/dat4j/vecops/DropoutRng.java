package dev.dat4j.vecops;

/**
 * Counter-based random numbers for dropout: a pure function of (seed, index), so forward and
 * backward regenerate the same mask without storing it, and every backend (CPU, CUDA) and every
 * thread partition produces bit-identical masks.
 */
public final class DropoutRng {
    private DropoutRng() {}

    /** SplitMix64 finaliser of seed ⊕ index·golden-ratio: a well-mixed 64-bit hash. */
    public static long hash(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform float in [0, 1) with 24 random bits. */
    public static float uniform(long seed, long index) {
        return (hash(seed, index) >>> 40) * 0x1.0p-24f;
    }
}
