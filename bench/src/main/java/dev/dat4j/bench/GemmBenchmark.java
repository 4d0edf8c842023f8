package dev.dat4j.bench;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.ScalarBackend;
import dev.dat4j.vecops.VectorBackend;
import dev.dat4j.vecops.WorkerPool;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * f32 GEMM: scalar reference vs Vector API at small sizes, the Vector API kernel at 1024³ and at
 * the shapes the DAT models run (with their backward NT/TN forms), on 1 and 2 threads.
 * Scores are µs per call; GFLOP/s = 2·m·n·k·batch / (score·1000). Short by design (a few seconds
 * per benchmark); add {@code -prof gc} to check that a call allocates nothing.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar GemmBenchmark
 * java -jar bench/target/benchmarks.jar 'GemmBenchmark.dat' -p shape=4096x64x256 -p threads=1 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {

    /**
     * One GEMM problem with random operands in off-heap buffers. Shape syntax:
     * {@code MxNxK}, optionally prefixed by {@code BATCH*} (strided batch) and suffixed by
     * {@code /TN}, {@code /NT} or {@code /TT} (which operands are stored transposed).
     */
    static final class Problem implements AutoCloseable {
        final int m, n, k, batch;
        final boolean transA, transB;
        private final MemoryScope scope;
        private final Buffer a, b, c;

        Problem(Backend backend, String shape) {
            String dims = shape;
            String trans = "NN";
            int slash = dims.indexOf('/');
            if (slash >= 0) {
                trans = dims.substring(slash + 1);
                dims = dims.substring(0, slash);
            }
            int star = dims.indexOf('*');
            batch = star < 0 ? 1 : Integer.parseInt(dims.substring(0, star));
            String[] mnk = dims.substring(star + 1).split("x");
            if (mnk.length != 3 || trans.length() != 2) {
                throw new IllegalArgumentException("shape '" + shape + "': expected [BATCH*]MxNxK[/TN]");
            }
            m = Integer.parseInt(mnk[0]);
            n = Integer.parseInt(mnk[1]);
            k = Integer.parseInt(mnk[2]);
            transA = trans.charAt(0) == 'T';
            transB = trans.charAt(1) == 'T';
            scope = backend.newScope();
            a = scope.allocate((long) m * k * batch);
            b = scope.allocate((long) k * n * batch);
            c = scope.allocate((long) m * n * batch);
            SplittableRandom rnd = new SplittableRandom(7);
            backend.write(a, random(rnd, (long) m * k * batch));
            backend.write(b, random(rnd, (long) k * n * batch));
        }

        void run(Backend backend) {
            backend.gemmBatched(transA, transB, m, n, k, 1f, a, transA ? m : k, (long) m * k,
                    b, transB ? k : n, (long) k * n, 0f, c, n, (long) m * n, batch);
        }

        private static float[] random(SplittableRandom rnd, long n) {
            float[] x = new float[Math.toIntExact(n)];
            for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
            return x;
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    /** Small squares, scalar reference vs Vector API, one thread. */
    @State(Scope.Benchmark)
    public static class Small {
        @Param({"32", "64", "128"})
        int size;
        @Param({"scalar", "vector"})
        String impl;
        Backend backend;
        Problem problem;

        @Setup(Level.Trial)
        public void setup() {
            WorkerPool.setGlobalThreads(1);
            backend = impl.equals("scalar") ? new ScalarBackend() : new VectorBackend();
            problem = new Problem(backend, size + "x" + size + "x" + size);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            problem.close();
        }
    }

    /** Vector API kernel at 1024³. */
    @State(Scope.Benchmark)
    public static class Square {
        @Param({"1", "2"})
        int threads;
        final Backend backend = new VectorBackend();
        Problem problem;

        @Setup(Level.Trial)
        public void setup() {
            WorkerPool.setGlobalThreads(threads);
            problem = new Problem(backend, "1024x1024x1024");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            problem.close();
        }
    }

    /**
     * DAT shapes: token-major activations (B·T = 4096 rows) times weights of d_model 64/256 and the
     * 4096-wide output layer, attention scores over 64 (batch·head) entries, and the backward forms
     * dX = dY·Wᵀ (NT) and dW = Xᵀ·dY (TN).
     */
    @State(Scope.Benchmark)
    public static class Dat {
        @Param({"4096x64x64", "4096x64x256", "4096x256x64", "4096x64x4096", "64*256x256x16", "64*256x16x256",
                "4096x64x256/NT", "64x256x4096/TN"})
        String shape;
        @Param({"1", "2"})
        int threads;
        final Backend backend = new VectorBackend();
        Problem problem;

        @Setup(Level.Trial)
        public void setup() {
            WorkerPool.setGlobalThreads(threads);
            problem = new Problem(backend, shape);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            problem.close();
        }
    }

    @Benchmark
    public void small(Small s) {
        s.problem.run(s.backend);
    }

    @Benchmark
    public void square1024(Square s) {
        s.problem.run(s.backend);
    }

    @Benchmark
    public void dat(Dat s) {
        s.problem.run(s.backend);
    }
}
