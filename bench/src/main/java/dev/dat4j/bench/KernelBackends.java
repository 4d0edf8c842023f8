package dev.dat4j.bench;

import java.util.SplittableRandom;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.ScalarBackend;
import dev.dat4j.vecops.VectorBackend;
import dev.dat4j.vecops.WorkerPool;

/**
 * The backends the kernel benchmarks compare, as JMH {@code @Param} values:
 * {@code scalar} (the reference, one thread), {@code vector-1t} (Vector API on one thread: the
 * SIMD speed-up alone) and {@code vector} (Vector API on the whole worker pool).
 */
final class KernelBackends {
    static final String[] NAMES = {"scalar", "vector-1t", "vector"};

    private KernelBackends() {}

    /** The backend for a {@code @Param} value; sets the worker pool's size to match. */
    static Backend open(String name) {
        return switch (name) {
            case "scalar" -> new ScalarBackend();
            case "vector-1t" -> {
                WorkerPool.setGlobalThreads(1);
                yield new VectorBackend();
            }
            case "vector" -> {
                WorkerPool.setGlobalThreads(WorkerPool.defaultThreads());
                yield new VectorBackend();
            }
            default -> throw new IllegalArgumentException("unknown backend '" + name + "': expected scalar, vector-1t or vector");
        };
    }

    /** A buffer of n floats uniform in [lo, hi), from a fixed seed. */
    static Buffer uniform(Backend be, MemoryScope scope, long n, double lo, double hi, long seed) {
        Buffer b = scope.allocate(n);
        SplittableRandom r = new SplittableRandom(seed);
        float[] chunk = new float[(int) Math.min(n, 1 << 20)];
        for (long off = 0; off < n; off += chunk.length) {
            int len = (int) Math.min(chunk.length, n - off);
            for (int i = 0; i < len; i++) chunk[i] = (float) r.nextDouble(lo, hi);
            be.write(b.slice(off, len), len == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, len));
        }
        return b;
    }

    /** n int32 values uniform in [0, bound). */
    static Buffer ints(Backend be, MemoryScope scope, int n, int bound, long seed) {
        Buffer b = scope.allocate(n);
        SplittableRandom r = new SplittableRandom(seed);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(bound);
        be.writeInts(b, v);
        return b;
    }
}
