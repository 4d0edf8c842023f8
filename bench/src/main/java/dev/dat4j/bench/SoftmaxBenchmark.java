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
 * Softmax (plain and causal), its backward, log-softmax and fused cross-entropy on 8M floats:
 * (8192, 1024) attention-like rows, and (160, 50257) GPT-2-vocabulary logits. Bytes per call
 * are given per method (N = 8192·1024 floats, 4 bytes each).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class SoftmaxBenchmark {
    @Param({"scalar", "vector-1t", "vector"})
    public String backend;

    private static final int ROWS = 8192, COLS = 1024, CE_ROWS = 160, VOCAB = 50_257;

    private Backend be;
    private MemoryScope scope;
    private Buffer x, y, dy, dx, logits, targets, losses, dlosses, dlogits;

    @Setup(Level.Trial)
    public void setUp() {
        be = KernelBackends.open(backend);
        scope = be.newScope();
        long n = (long) ROWS * COLS;
        x = KernelBackends.uniform(be, scope, n, -8, 8, 1);
        dy = KernelBackends.uniform(be, scope, n, -1, 1, 2);
        y = scope.allocate(n);
        dx = scope.allocate(n);
        be.softmax(ROWS, COLS, x, 1f, 0, y);
        logits = KernelBackends.uniform(be, scope, (long) CE_ROWS * VOCAB, -10, 10, 3);
        targets = KernelBackends.ints(be, scope, CE_ROWS, VOCAB, 4);
        losses = scope.allocate(CE_ROWS);
        dlosses = KernelBackends.uniform(be, scope, CE_ROWS, 0.5, 1, 5);
        dlogits = scope.allocate((long) CE_ROWS * VOCAB);
        be.crossEntropy(CE_ROWS, VOCAB, logits, targets, -100, losses); // the backward takes the forward's losses
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    /** y = softmax(x/8) per row. Bytes: 2N·4. */
    @Benchmark
    public void softmax() {
        be.softmax(ROWS, COLS, x, 0.125f, 0, dx);
    }

    /** Causal softmax over 8 blocks of 1024×1024: masked logits are not read. Bytes: 1.5N·4. */
    @Benchmark
    public void softmaxCausal() {
        be.softmax(ROWS, COLS, x, 0.125f, COLS, dx);
    }

    /** dx = y ⊙ (dy − Σ dy·y). Bytes: 3N·4. */
    @Benchmark
    public void softmaxBackward() {
        be.softmaxBackward(ROWS, COLS, y, dy, 1f, dx);
    }

    /** y = log_softmax(x). Bytes: 2N·4. */
    @Benchmark
    public void logSoftmax() {
        be.logSoftmax(ROWS, COLS, x, dx);
    }

    /** Losses of 160 rows of 50257 logits. Bytes: N'·4 with N' = 160·50257. */
    @Benchmark
    public void crossEntropy() {
        be.crossEntropy(CE_ROWS, VOCAB, logits, targets, -100, losses);
    }

    /** dlogits of 160 rows of 50257 logits. Bytes: 2N'·4. */
    @Benchmark
    public void crossEntropyBackward() {
        be.crossEntropyBackward(CE_ROWS, VOCAB, logits, targets, -100, losses, dlosses, dlogits);
    }
}
