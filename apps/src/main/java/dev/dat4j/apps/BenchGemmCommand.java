package dev.dat4j.apps;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/** {@code dat4j bench gemm}: C = op(A)·op(B) throughput on the chosen device. */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = {"Time f32 GEMM C(m,n) = op(A)(m,k)·op(B)(k,n) and print one JSON line:",
                "{\"op\":\"gemm\",\"m\":..,\"n\":..,\"k\":..,\"batch\":..,\"threads\":..,\"gflops\":..,\"ms\":..}",
                "ms is the median time of one call (all batch entries); gflops = 2·m·n·k·batch / time.",
                "Example: dat4j bench gemm --size 1024 --threads 1"})
final class BenchGemmCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Option(names = "--size", defaultValue = "1024", description = "Default for m, n and k (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--m", description = "Rows of C (default: --size).")
    Integer m;

    @Option(names = "--n", description = "Columns of C (default: --size).")
    Integer n;

    @Option(names = "--k", description = "Inner dimension (default: --size).")
    Integer k;

    @Option(names = "--batch", defaultValue = "1", description = "Strided batch of independent GEMMs (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--trans-a", description = "A is stored transposed, (k,m).")
    boolean transA;

    @Option(names = "--trans-b", description = "B is stored transposed, (n,k).")
    boolean transB;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed calls first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iters", defaultValue = "20", description = "Timed calls (default: ${DEFAULT-VALUE}).")
    int iters;

    @Override
    public void run() {
        int mm = m == null ? size : m, nn = n == null ? size : n, kk = k == null ? size : k;
        if (mm < 1 || nn < 1 || kk < 1 || batch < 1 || iters < 1 || warmup < 0) {
            throw new IllegalArgumentException("m, n, k, --batch and --iters must be positive and --warmup non-negative");
        }
        Backend be = global.backend();
        long aLen = (long) mm * kk, bLen = (long) kk * nn, cLen = (long) mm * nn;
        try (MemoryScope scope = be.newScope()) {
            Buffer a = scope.allocate(aLen * batch), b = scope.allocate(bLen * batch), c = scope.allocate(cLen * batch);
            SplittableRandom rnd = new SplittableRandom(global.seed);
            be.write(a, randomArray(rnd, aLen * batch));
            be.write(b, randomArray(rnd, bLen * batch));
            int lda = transA ? mm : kk, ldb = transB ? kk : nn;
            Runnable call = () -> be.gemmBatched(transA, transB, mm, nn, kk, 1f, a, lda, aLen, b, ldb, bLen,
                    0f, c, nn, cLen, batch);
            System.err.printf(Locale.ROOT, "gemm %dx%dx%d batch %d on %s, %d threads: %d warm-up + %d timed calls%n",
                    mm, nn, kk, batch, be.name(), global.effectiveThreads(), warmup, iters);
            for (int i = 0; i < warmup; i++) call.run();
            double[] ms = new double[iters];
            for (int i = 0; i < iters; i++) {
                long t0 = System.nanoTime();
                call.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double median = ms[iters / 2];
            double gflops = 2.0 * mm * nn * kk * batch / (median * 1e6);
            System.out.printf(Locale.ROOT,
                    "{\"op\":\"gemm\",\"device\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,\"batch\":%d,\"trans_a\":%b,\"trans_b\":%b,"
                            + "\"threads\":%d,\"gflops\":%.2f,\"ms\":%.4f,\"ms_min\":%.4f}%n",
                    be.name(), mm, nn, kk, batch, transA, transB, global.effectiveThreads(), gflops, median, ms[0]);
        }
    }

    private static float[] randomArray(SplittableRandom rnd, long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("operand too large: " + n + " elements");
        float[] x = new float[(int) n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
