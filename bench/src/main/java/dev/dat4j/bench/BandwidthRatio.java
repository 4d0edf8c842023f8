package dev.dat4j.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.BinaryOp;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.UnaryOp;
import dev.dat4j.vecops.VectorBackend;
import dev.dat4j.vecops.WorkerPool;

/**
 * Fraction of memory-copy bandwidth that the memory-bound Vector API kernels reach, measured
 * robustly on a shared machine: each repetition times a bulk copy and then every kernel back to
 * back in one JVM, so load that changes over seconds affects both sides of each ratio alike. The
 * median over repetitions of (kernel GB/s) / (copy GB/s of the same repetition) is printed, for one
 * thread and for the whole worker pool. Arrays are 8M floats (32 MB), beyond L2 and L3.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.dat4j.bench.BandwidthRatio [reps]</pre>
 */
public final class BandwidthRatio {
    private static final int ROWS = 8192, COLS = 1024, N = ROWS * COLS;

    private BandwidthRatio() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Backend be = new VectorBackend();
        try (MemoryScope scope = be.newScope()) {
            Buffer x = KernelBackends.uniform(be, scope, N, -4, 4, 1), b = KernelBackends.uniform(be, scope, N, -4, 4, 2);
            Buffer y = scope.allocate(N), gamma = KernelBackends.uniform(be, scope, COLS, 0.5, 1.5, 3);
            Buffer beta = KernelBackends.uniform(be, scope, COLS, -1, 1, 4), mean = scope.allocate(ROWS), rstd = scope.allocate(ROWS);
            int[] shape = {ROWS, COLS};
            long[] contiguous = {COLS, 1};
            // name → (floats moved per call, kernel)
            Map<String, Object[]> kernels = new LinkedHashMap<>();
            kernels.put("add", new Object[] {3L * N, (Runnable) () -> be.binary(BinaryOp.ADD, shape, x, contiguous, b, contiguous, y)});
            kernels.put("gelu", new Object[] {2L * N, (Runnable) () -> be.unary(UnaryOp.GELU_TANH, N, x, y)});
            kernels.put("softmax", new Object[] {2L * N, (Runnable) () -> be.softmax(ROWS, COLS, x, 0.125f, 0, y)});
            kernels.put("layerNorm", new Object[] {2L * N, (Runnable) () -> be.layerNorm(ROWS, COLS, x, gamma, beta, 1e-5f, y, mean, rstd)});
            Runnable copy = () -> be.copyStrided(new int[] {N}, x, new long[] {1}, y);

            System.out.printf(Locale.ROOT, "%s, %d repetitions, 8M floats; median kernel GB/s as %% of copy GB/s in the same repetition%n",
                    be.name(), reps);
            for (int threads : new int[] {1, WorkerPool.defaultThreads()}) {
                WorkerPool.setGlobalThreads(threads);
                for (int w = 0; w < 3; w++) { // warm up: JIT-compile every kernel
                    copy.run();
                    kernels.values().forEach(k -> ((Runnable) k[1]).run());
                }
                double[] copyGbps = new double[reps];
                Map<String, double[]> ratio = new LinkedHashMap<>(), gbps = new LinkedHashMap<>();
                kernels.keySet().forEach(k -> {
                    ratio.put(k, new double[reps]);
                    gbps.put(k, new double[reps]);
                });
                for (int r = 0; r < reps; r++) {
                    copyGbps[r] = 2.0 * N * 4 / seconds(copy) / 1e9;
                    for (var e : kernels.entrySet()) {
                        double g = (long) e.getValue()[0] * 4 / seconds((Runnable) e.getValue()[1]) / 1e9;
                        gbps.get(e.getKey())[r] = g;
                        ratio.get(e.getKey())[r] = g / copyGbps[r];
                    }
                }
                System.out.printf(Locale.ROOT, "threads=%d  copy %.1f GB/s (median)%n", threads, median(copyGbps));
                for (String k : kernels.keySet()) {
                    double[] q = ratio.get(k).clone();
                    Arrays.sort(q);
                    System.out.printf(Locale.ROOT, "  %-10s %5.1f GB/s  %4.0f %% of copy (quartiles %.0f–%.0f %%)%n", k,
                            median(gbps.get(k)), 100 * median(ratio.get(k)), 100 * q[reps / 4], 100 * q[(3 * reps) / 4]);
                }
            }
        }
    }

    private static double seconds(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) * 1e-9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
