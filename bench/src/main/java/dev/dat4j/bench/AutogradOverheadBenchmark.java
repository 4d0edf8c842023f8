package dev.dat4j.bench;

import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Backends;
import dev.dat4j.vecops.BinaryOp;
import dev.dat4j.vecops.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Per-op cost of the autograd layer on tiny tensors, where kernel time is negligible: a chain of
 * 100 broadcasting adds y = y + w (w a leaf that requires grad), forward and backward, against the
 * same work as raw kernel calls (100 {@code binary} forward, 100 {@code axpy} for w's gradient).
 * (autograd − raw) / 200 kernels ≈ bookkeeping per recorded op (tensor objects, graph node,
 * scope allocation, topological sort, gradient accumulation).
 *
 * <pre>
 * ./mvnw -q -B -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar AutogradOverhead
 * </pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AutogradOverheadBenchmark {
    static final int OPS = 100;

    @Param({"16"})
    int size;

    private Scope root;
    private Tensor x, w;
    private Backend be;
    private Buffer[] ys;
    private Buffer bx, bw, bg, gradW;
    private int[] shape;
    private long[] dense;

    @Setup(Level.Trial)
    public void setup() {
        be = Backends.cpu();
        root = Scope.open(be);
        x = Tensor.ones(size);
        w = Tensor.ones(size).requiresGrad_(true);
        ys = new Buffer[OPS + 1];
        for (int i = 0; i <= OPS; i++) ys[i] = root.allocate(size);
        bx = x.buffer();
        bw = w.buffer();
        bg = root.allocate(size);
        gradW = root.allocate(size);
        shape = new int[] {size};
        dense = new long[] {1};
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        root.close();
    }

    /** 100 recorded adds, backward, in a step scope. */
    @Benchmark
    public float autogradForwardBackward() {
        try (Scope _ = Scope.open()) {
            Tensor y = x;
            for (int i = 0; i < OPS; i++) y = y.add(w);
            y.backward(Tensor.ones(size));
            return w.grad().buffer().length();
        }
    }

    /** 100 adds with recording off, in a step scope. */
    @Benchmark
    public long autogradForwardNoGrad() {
        try (Scope _ = Scope.open(); var _ = GradMode.noGrad()) {
            Tensor y = x;
            for (int i = 0; i < OPS; i++) y = y.add(w);
            return y.numel();
        }
    }

    /** The same kernels called directly on preallocated buffers: 100 binary adds and 100 axpy. */
    @Benchmark
    public long rawKernels() {
        Buffer y = bx;
        for (int i = 0; i < OPS; i++) {
            be.binary(BinaryOp.ADD, shape, y, dense, bw, dense, ys[i]);
            y = ys[i];
        }
        be.fill(bg, size, 1f);
        for (int i = 0; i < OPS; i++) be.axpy(size, 1f, bg, gradW);
        return y.length();
    }
}
