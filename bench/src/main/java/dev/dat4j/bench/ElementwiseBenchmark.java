package dev.dat4j.bench;

import java.util.concurrent.TimeUnit;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.BinaryOp;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.ReduceOp;
import dev.dat4j.vecops.UnaryOp;
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
 * Elementwise, reduction, dropout and optimiser kernels on n floats (default 8M = 32 MB per
 * array, beyond L2 and L3). Bytes moved per call are listed per method (reads + writes) so the
 * report can turn times into GB/s; compare with {@link CopyBandwidthBenchmark} of the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ElementwiseBenchmark {
    @Param({"scalar", "vector-1t", "vector"})
    public String backend;

    @Param({"8388608"})
    public int n;

    private Backend be;
    private MemoryScope scope;
    private Buffer a, b, bias, out, dy, m, v;
    private int[] shape;
    private long[] contiguous, biasRow;
    private int rows, cols;

    @Setup(Level.Trial)
    public void setUp() {
        be = KernelBackends.open(backend);
        scope = be.newScope();
        a = KernelBackends.uniform(be, scope, n, -4, 4, 1);
        b = KernelBackends.uniform(be, scope, n, -4, 4, 2);
        dy = KernelBackends.uniform(be, scope, n, -1, 1, 3);
        m = KernelBackends.uniform(be, scope, n, -0.01, 0.01, 4);
        v = KernelBackends.uniform(be, scope, n, 0, 0.001, 5);
        out = scope.allocate(n);
        cols = 1024;
        rows = n / cols;
        bias = KernelBackends.uniform(be, scope, cols, -1, 1, 6);
        shape = new int[] {rows, cols};
        contiguous = new long[] {cols, 1};
        biasRow = new long[] {0, 1};
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    /** out = a + b. Bytes: 3n·4. */
    @Benchmark
    public void add() {
        be.binary(BinaryOp.ADD, shape, a, contiguous, b, contiguous, out);
    }

    /** out = a + bias row broadcast over rows. Bytes: 2n·4. */
    @Benchmark
    public void addBias() {
        be.binary(BinaryOp.ADD, shape, a, contiguous, bias, biasRow, out);
    }

    /** out = GELU_tanh(a). Bytes: 2n·4. */
    @Benchmark
    public void gelu() {
        be.unary(UnaryOp.GELU_TANH, n, a, out);
    }

    /** out = dy·GELU'(a). Bytes: 4n·4 (x, y, dy, dx). */
    @Benchmark
    public void geluBackward() {
        be.unaryBackward(UnaryOp.GELU_TANH, n, a, b, dy, out);
    }

    /** out = exp(a). Bytes: 2n·4. */
    @Benchmark
    public void exp() {
        be.unary(UnaryOp.EXP, n, a, out);
    }

    /** out += 0.5·a. Bytes: 3n·4. */
    @Benchmark
    public void axpy() {
        be.axpy(n, 0.5f, a, out);
    }

    /** column sums of a (rows, cols): the bias gradient. Bytes: n·4. */
    @Benchmark
    public void sumRows() {
        be.reduce(ReduceOp.SUM, 1, rows, cols, a, out);
    }

    /** Σ a² in double. Bytes: n·4. */
    @Benchmark
    public double sumOfSquares() {
        return be.sumOfSquares(n, a);
    }

    /** out = dropout(a, p = 0.1). Bytes: 2n·4. */
    @Benchmark
    public void dropout() {
        be.dropout(n, a, 0.1f, 42L, out);
    }

    /** AdamW on n parameters (param, m, v updated in place; grad read). Bytes: 7n·4. */
    @Benchmark
    public void adamW() {
        be.adamStep(n, out, dy, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 10);
    }
}
