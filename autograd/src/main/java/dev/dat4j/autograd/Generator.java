package dev.dat4j.autograd;

/**
 * A seeded, deterministic random number generator (like {@code torch.Generator}): parameter
 * initialisation, {@code randn/rand/randint} and the per-call seeds of dropout all draw from one.
 * Same seed, same sequence, on every machine.
 *
 * <p>SplitMix64: a 64-bit counter passed through a strong mixing function; tiny, fast and good
 * enough for initialisation and dropout seeds (dropout's per-element bits come from the backend's
 * counter-based RNG).
 */
public final class Generator {
    private static final Generator DEFAULT = new Generator(0);

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    public Generator(long seed) {
        manualSeed(seed);
    }

    /** The process-wide default generator, used by layers built without an explicit one. */
    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    /** Restarts the sequence from {@code seed}. */
    public Generator manualSeed(long seed) {
        this.state = seed;
        this.hasSpare = false;
        return this;
    }

    /** Next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform double in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform float in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** Standard normal (Box–Muller, polar form; pairs are cached). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * f;
        hasSpare = true;
        return u * f;
    }
}
