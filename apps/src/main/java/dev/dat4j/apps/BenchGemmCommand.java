package dev.dat4j.apps;

import dev.dat4j.vecops.AcceleratorBackend;
import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** {@code dat4j bench gemm}: C = op(A)·op(B) throughput on the chosen device. */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = {"Time GEMM C(m,n) = op(A)(m,k)·op(B)(k,n) and print one JSON line:",
                "{\"op\":\"gemm\",\"device\":..,\"dtype\":..,\"m\":..,\"n\":..,\"k\":..,\"batch\":..,\"threads\":..,\"gflops\":..,\"ms\":..}",
                "ms is the median time of one call (all batch entries); gflops = 2·m·n·k·batch / time.",
                "Each sample times --calls back-to-back calls and waits for the device before stopping the clock.",
                "On a GPU the line adds peak_device_mb (device memory held by the backend at its peak).",
                "c0 is C[0,0] after the last call (0.125·k with --fill constant), read back as f32.",
                "Examples: dat4j bench gemm --size 1024 --threads 1",
                "          dat4j bench gemm --device cuda --size 4096 --dtype bf16 --resident-bf16 --bf16-out"})
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

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "T",
            description = "GEMM arithmetic: f32; on a GPU also tf32 (tensor cores, f32 operands) or bf16 "
                    + "(bf16 operands, f32 accumulation and output) (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--resident-bf16",
            description = "With --dtype bf16: convert A and B to bf16 once before timing, so the calls multiply "
                    + "operands already resident in bf16 (otherwise every call converts them from f32).")
    boolean residentBf16;

    @Option(names = "--bf16-out",
            description = "With --dtype bf16: C is a bf16 buffer, so each call writes bf16 (f32 accumulation); with "
                    + "--resident-bf16 this is bf16 in, bf16 out, as torch.matmul on bf16 tensors (otherwise C is f32).")
    boolean bf16Out;

    @Option(names = "--fill", defaultValue = "random", paramLabel = "F",
            description = "Operand values: random (uniform in [-1, 1)) or constant (A = 0.5, B = 0.25, as "
                    + "bench/gpu_gemm_torch.py --fill constant). GPU tensor cores draw less power, and so clock "
                    + "higher, on constant data (default: ${DEFAULT-VALUE}).")
    String fill;

    @Option(names = "--warmup", defaultValue = "5", description = "Untimed calls first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iters", defaultValue = "20", description = "Timed samples (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--calls", paramLabel = "N",
            description = "Calls per timed sample (default: 1 on the CPU, 50 on a GPU, where one call alone is "
                    + "shorter than handing work to the device and waiting for it).")
    Integer calls;

    @Override
    public void run() {
        int mm = m == null ? size : m, nn = n == null ? size : n, kk = k == null ? size : k;
        if (mm < 1 || nn < 1 || kk < 1 || batch < 1 || iters < 1 || warmup < 0 || (calls != null && calls < 1)) {
            throw new IllegalArgumentException("m, n, k, --batch, --iters and --calls must be positive and --warmup non-negative");
        }
        String precision = dtype.trim().toLowerCase(Locale.ROOT);
        if (!List.of("f32", "tf32", "bf16").contains(precision)) {
            throw new IllegalArgumentException("--dtype " + dtype + ": expected f32, tf32 or bf16");
        }
        if (!fill.equals("random") && !fill.equals("constant")) {
            throw new IllegalArgumentException("--fill " + fill + ": expected random or constant");
        }
        if (residentBf16 && !precision.equals("bf16")) throw new IllegalArgumentException("--resident-bf16 needs --dtype bf16");
        if (bf16Out && !precision.equals("bf16")) throw new IllegalArgumentException("--bf16-out needs --dtype bf16");
        Backend be = global.backend();
        AcceleratorBackend acc = be instanceof AcceleratorBackend a ? a : null;
        if (acc == null && !precision.equals("f32")) {
            throw new IllegalArgumentException("--dtype " + precision + " needs a GPU (--device cuda); " + be.name() + " computes in f32");
        }
        int perSample = calls != null ? calls : acc != null ? 50 : 1;
        long aLen = (long) mm * kk, bLen = (long) kk * nn, cLen = (long) mm * nn;
        String previous = acc == null ? null : acc.option("gemm");
        try (MemoryScope scope = be.newScope()) {
            if (acc != null) acc.setOption("gemm", precision);
            Buffer a = scope.allocate(aLen * batch), b = scope.allocate(bLen * batch);
            Buffer c = bf16Out ? acc.bf16Buffer(scope, cLen * batch) : scope.allocate(cLen * batch);
            if (fill.equals("constant")) {
                be.fill(a, aLen * batch, 0.5f);
                be.fill(b, bLen * batch, 0.25f);
            } else {
                SplittableRandom rnd = new SplittableRandom(global.seed);
                be.write(a, randomArray(rnd, aLen * batch));
                be.write(b, randomArray(rnd, bLen * batch));
            }
            Buffer opA = residentBf16 ? acc.bf16Copy(scope, a, aLen * batch) : a;
            Buffer opB = residentBf16 ? acc.bf16Copy(scope, b, bLen * batch) : b;
            int lda = transA ? mm : kk, ldb = transB ? kk : nn;
            Runnable call = () -> be.gemmBatched(transA, transB, mm, nn, kk, 1f, opA, lda, aLen, opB, ldb, bLen,
                    0f, c, nn, cLen, batch);
            System.err.printf(Locale.ROOT, "gemm %dx%dx%d batch %d %s%s%s on %s, %d threads: %d warm-up calls + %d samples of %d calls%n",
                    mm, nn, kk, batch, precision, residentBf16 ? " (operands resident in bf16)" : "",
                    bf16Out ? " (bf16 output)" : "", be.name(),
                    global.effectiveThreads(), warmup, iters, perSample);
            if (acc != null) acc.resetPeakMemory();
            for (int i = 0; i < warmup; i++) call.run();
            be.synchronize();
            double[] ms = new double[iters];
            for (int i = 0; i < iters; i++) {
                long t0 = System.nanoTime();
                for (int j = 0; j < perSample; j++) call.run();
                be.synchronize();
                ms[i] = (System.nanoTime() - t0) / 1e6 / perSample;
            }
            Arrays.sort(ms);
            double median = ms[iters / 2];
            double gflops = 2.0 * mm * nn * kk * batch / (median * 1e6);
            String device = acc == null ? "" : String.format(Locale.ROOT, ",\"peak_device_mb\":%.1f", acc.peakMemoryBytes() / 1048576.0);
            float c0 = firstElement(be, acc, scope, c);
            System.out.printf(Locale.ROOT,
                    "{\"op\":\"gemm\",\"device\":\"%s\",\"dtype\":\"%s\",\"resident_bf16\":%b,\"bf16_out\":%b,\"fill\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,"
                            + "\"batch\":%d,\"trans_a\":%b,\"trans_b\":%b,\"threads\":%d,\"calls_per_sample\":%d,"
                            + "\"gflops\":%.2f,\"ms\":%.4f,\"ms_min\":%.4f,\"c0\":%s%s}%n",
                    be.name(), precision, residentBf16, bf16Out, fill, mm, nn, kk, batch, transA, transB, global.effectiveThreads(),
                    perSample, gflops, median, ms[0], Float.isFinite(c0) ? Float.toString(c0) : "\"" + c0 + "\"", device);
        } finally {
            if (acc != null) acc.setOption("gemm", previous);
        }
    }

    /** C[0] as an f32, widening it first when C is a bf16 buffer. */
    private float firstElement(Backend be, AcceleratorBackend acc, MemoryScope scope, Buffer c) {
        float[] v = new float[1];
        if (bf16Out) {
            Buffer f = scope.allocate(1);
            acc.bf16ToFloat(c, f, 1);
            be.read(f, v);
        } else {
            be.read(c.slice(0, 1), v);
        }
        return v[0];
    }

    private static float[] randomArray(SplittableRandom rnd, long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("operand too large: " + n + " elements");
        float[] x = new float[(int) n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
