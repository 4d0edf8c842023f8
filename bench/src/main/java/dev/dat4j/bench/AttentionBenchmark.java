package dev.dat4j.bench;

import java.util.Arrays;
import java.util.Locale;

import dev.dat4j.vecops.AttentionProblem;
import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.FusedAttention;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.VectorBackend;
import dev.dat4j.vecops.WorkerPool;

/**
 * Speed of the fused CPU attention kernels ({@link FusedAttention}) at the shapes of the reference
 * DAT training step (d = 64, batch 16, seq 256): per layer, symbolic attention (4 heads of 16
 * channels, 4096 queries against 512 symbols), relational attention (4 heads, keys 8 wide, values
 * 40 wide, causal) and self-attention (4 heads of 8, causal). Prints, per shape, the best time of
 * {@code reps} calls forward and backward, in ns per visible score and GFLOP/s (multiply-adds of
 * the products counted as 2 FLOPs; the backward recomputes S, so it counts 3·d + 2·dv per score).
 * The shapes run in this order, symbolic last, as in a training step where the JIT has seen all
 * three: run first, symbolic attention's forward measured ~15 % faster than after the others.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.dat4j.bench.AttentionBenchmark [threads] [reps] [shape-name-regex]</pre>
 */
public final class AttentionBenchmark {
    private AttentionBenchmark() {}

    private record Shape(String name, int entries, int lq, int lk, int d, int dv, boolean causal) {
        long scores() {
            if (!causal) return (long) entries * lq * lk;
            long s = 0;
            for (int i = 0; i < lq; i++) s += Math.min(lk, i + lk - lq + 1);
            return entries * s;
        }
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String only = args.length > 2 ? args[2] : ".*";
        WorkerPool.setGlobalThreads(threads);
        Shape[] shapes = {
                new Shape("self", 64, 256, 256, 8, 8, true),
                new Shape("relational", 64, 256, 256, 8, 40, true),
                new Shape("symbolic", 4, 4096, 512, 16, 16, false)};
        Backend be = new VectorBackend();
        FusedAttention kernels = (FusedAttention) be;
        System.out.printf(Locale.ROOT, "%s, %d thread(s), best of %d calls%n", be.name(), threads, reps);
        for (Shape s : shapes) {
            if (!s.name.matches(only)) continue;
            try (MemoryScope scope = be.newScope()) {
                Buffer q = KernelBackends.uniform(be, scope, (long) s.entries * s.lq * s.d, -1, 1, 1);
                Buffer k = KernelBackends.uniform(be, scope, (long) s.entries * s.lk * s.d, -1, 1, 2);
                Buffer v = KernelBackends.uniform(be, scope, (long) s.entries * s.lk * s.dv, -1, 1, 3);
                Buffer g = KernelBackends.uniform(be, scope, (long) s.entries * s.lq * s.dv, -1, 1, 4);
                Buffer o = scope.allocate((long) s.entries * s.lq * s.dv), lse = scope.allocate((long) s.entries * s.lq);
                Buffer dq = scope.allocate((long) s.entries * s.lq * s.d), dk = scope.allocate((long) s.entries * s.lk * s.d);
                Buffer dv = scope.allocate((long) s.entries * s.lk * s.dv);
                AttentionProblem a = new AttentionProblem(s.entries, s.lq, s.lk, s.d, s.dv, (float) (1 / Math.sqrt(s.d)), s.causal,
                        q, offsets(s.entries, (long) s.lq * s.d), s.d, k, offsets(s.entries, (long) s.lk * s.d), s.d,
                        v, offsets(s.entries, (long) s.lk * s.dv), s.dv);
                double fwd = best(reps, () -> kernels.attention(a, o, lse));
                double bwd = best(reps, () -> kernels.attentionBackward(a, o, lse, g, dq, dk, dv));
                long n = s.scores();
                System.out.printf(Locale.ROOT, "%-10s %3d x %4d x %3d, d %2d, dv %2d%s: forward %7.3f ms %5.2f ns/score %5.1f GFLOP/s,"
                                + " backward %7.3f ms %5.2f ns/score %5.1f GFLOP/s%n",
                        s.name, s.entries, s.lq, s.lk, s.d, s.dv, s.causal ? " causal" : "",
                        fwd * 1e3, fwd * 1e9 / n, 2.0 * n * (s.d + s.dv) / fwd / 1e9,
                        bwd * 1e3, bwd * 1e9 / n, 2.0 * n * (3 * s.d + 2 * s.dv) / bwd / 1e9);
            }
        }
    }

    private static long[] offsets(int entries, long stride) {
        long[] off = new long[entries];
        Arrays.setAll(off, e -> e * stride);
        return off;
    }

    /** Best wall time in seconds of reps calls, after as many warm-up calls. */
    private static double best(int reps, Runnable r) {
        for (int i = 0; i < reps; i++) r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) * 1e-9);
        }
        return best;
    }
}
