package dev.dat4j.cuda;

import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.ScalarBackend;
import org.junit.jupiter.api.Assumptions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the same op on {@link ScalarBackend} (the oracle) and on the GPU and compares the results.
 * Each {@link Pair} is one tensor held by both backends with identical contents. Tests that use
 * it are skipped (JUnit assumption, with the reason) where no usable CUDA GPU is present.
 */
final class GpuHarness implements AutoCloseable {
    final ScalarBackend cpu = new ScalarBackend();
    final CudaBackend gpu;
    final Random random;
    private final MemoryScope cpuScope, gpuScope;

    /** One tensor on both backends. */
    record Pair(Buffer cpu, Buffer gpu, long n) {}

    private GpuHarness(CudaBackend gpu, long seed) {
        this.gpu = gpu;
        this.random = new Random(seed);
        this.cpuScope = cpu.newScope();
        this.gpuScope = gpu.newScope();
    }

    /** The shared GPU backend, or a skipped test saying why there is none. */
    static CudaBackend gpuOrSkip() {
        String reason = CudaBackendProvider.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "no usable CUDA GPU: " + reason);
        return new CudaBackendProvider().open(0);
    }

    static GpuHarness open(long seed) {
        return new GpuHarness(gpuOrSkip(), seed);
    }

    Pair of(float[] values) {
        Buffer c = cpuScope.allocate(values.length), g = gpuScope.allocate(values.length);
        cpu.write(c, values);
        gpu.write(g, values);
        return new Pair(c, g, values.length);
    }

    Pair ints(int[] values) {
        Buffer c = cpuScope.allocate(values.length), g = gpuScope.allocate(values.length);
        cpu.writeInts(c, values);
        gpu.writeInts(g, values);
        return new Pair(c, g, values.length);
    }

    /** Gaussian values. */
    Pair randn(long n) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextGaussian();
        return of(v);
    }

    /** Uniform values in [lo, hi). */
    Pair uniform(long n, float lo, float hi) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * random.nextFloat();
        return of(v);
    }

    /** An output tensor pre-filled with NaN on both sides, so a missed element cannot pass. */
    Pair out(long n) {
        float[] v = new float[Math.toIntExact(n)];
        java.util.Arrays.fill(v, Float.NaN);
        return of(v);
    }

    float[] cpuValues(Pair p) {
        float[] v = new float[Math.toIntExact(p.n)];
        cpu.read(p.cpu, v);
        return v;
    }

    float[] gpuValues(Pair p) {
        float[] v = new float[Math.toIntExact(p.n)];
        gpu.read(p.gpu, v);
        return v;
    }

    int[] cpuInts(Pair p) {
        int[] v = new int[Math.toIntExact(p.n)];
        cpu.readInts(p.cpu, v);
        return v;
    }

    int[] gpuInts(Pair p) {
        int[] v = new int[Math.toIntExact(p.n)];
        gpu.readInts(p.gpu, v);
        return v;
    }

    /** |gpu − cpu| ≤ atol + rtol·|cpu| elementwise; NaN must match NaN. */
    void assertClose(Pair p, double rtol, double atol, String what) {
        assertClose(cpuValues(p), gpuValues(p), rtol, atol, what);
    }

    static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) && Float.isNaN(a)) continue;
            if (e == a) continue; // also equal infinities
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " of " + expected.length + ": gpu " + a + " vs cpu " + e
                        + " (|diff| " + Math.abs(a - e) + ", allowed " + (atol + rtol * Math.abs(e)) + ")");
            }
        }
    }

    /** Bit-identical results. */
    void assertExact(Pair p, String what) {
        float[] e = cpuValues(p), a = gpuValues(p);
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToRawIntBits(e[i]) != Float.floatToRawIntBits(a[i])
                    && !(Float.isNaN(e[i]) && Float.isNaN(a[i]))) {
                fail(what + ": element " + i + " of " + e.length + ": gpu " + a[i] + " vs cpu " + e[i] + " (not bit-identical)");
            }
        }
    }

    @Override
    public void close() {
        cpuScope.close();
        gpuScope.close();
    }
}
