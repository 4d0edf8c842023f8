package dev.dat4j.bench;

import java.util.concurrent.TimeUnit;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * LayerNorm and RMSNorm, forward and backward, on (8192, 1024) = 8M floats with gamma and beta.
 * Bytes per call are given per method (N = 8192·1024 floats, 4 bytes each).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class NormBenchmark {
    @Param({"scalar", "vector-1t", "vector"})
    public String backend;

    private static final int ROWS = 8192, COLS = 1024;

    private Backend be;
    private MemoryScope scope;
    private Buffer x, gamma, beta, y, mean, rstd, dy, dx, dgamma, dbeta;

    @Setup(Level.Trial)
    public void setUp() {
        be = KernelBackends.open(backend);
        scope = be.newScope();
        long n = (long) ROWS * COLS;
        x = KernelBackends.uniform(be, scope, n, -2, 3, 1);
        dy = KernelBackends.uniform(be, scope, n, -1, 1, 2);
        gamma = KernelBackends.uniform(be, scope, COLS, 0.5, 1.5, 3);
        beta = KernelBackends.uniform(be, scope, COLS, -1, 1, 4);
        y = scope.allocate(n);
        dx = scope.allocate(n);
        mean = scope.allocate(ROWS);
        rstd = scope.allocate(ROWS);
        dgamma = scope.allocate(COLS);
        dbeta = scope.allocate(COLS);
        be.layerNorm(ROWS, COLS, x, gamma, beta, 1e-5f, y, mean, rstd);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    /** Bytes: 2N·4 (x read, y written). */
    @Benchmark
    public void layerNorm() {
        be.layerNorm(ROWS, COLS, x, gamma, beta, 1e-5f, y, mean, rstd);
    }

    /** dx, dgamma, dbeta. Bytes: 3N·4 (x, dy read, dx written). */
    @Benchmark
    public void layerNormBackward() {
        be.layerNormBackward(ROWS, COLS, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    }

    /** Bytes: 2N·4. */
    @Benchmark
    public void rmsNorm() {
        be.rmsNorm(ROWS, COLS, x, gamma, 1e-6f, y, rstd);
    }

    /** dx, dgamma. Bytes: 3N·4. */
    @Benchmark
    public void rmsNormBackward() {
        be.rmsNormBackward(ROWS, COLS, x, gamma, rstd, dy, dx, dgamma);
    }
}
