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
 * Memory copy bandwidth on the same 8M-float (32 MB) arrays as the other kernel benchmarks, the
 * ceiling that memory-bound kernels are measured against, plus the data-movement kernels:
 * a (B,T,H,D) → (B,H,T,D) permute, a 2-D transpose, embedding lookup and RoPE.
 * Every method moves 2N·4 bytes (N floats read, N written).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class CopyBandwidthBenchmark {
    @Param({"scalar", "vector-1t", "vector"})
    public String backend;

    private static final int N = 8 * 1024 * 1024;
    private static final int B = 8, T = 1024, H = 16, D = 64;      // B·T·H·D = N
    private static final int ROWS = 2048, COLS = 4096;             // ROWS·COLS = N
    private static final int TOKENS = 8192, DIM = 1024, VOCAB = 16_384;

    private Backend be;
    private MemoryScope scope;
    private Buffer src, dst, table, ids, cos, sin;

    @Setup(Level.Trial)
    public void setUp() {
        be = KernelBackends.open(backend);
        scope = be.newScope();
        src = KernelBackends.uniform(be, scope, N, -1, 1, 1);
        dst = scope.allocate(N);
        table = KernelBackends.uniform(be, scope, (long) VOCAB * DIM, -1, 1, 2);
        ids = KernelBackends.ints(be, scope, TOKENS, VOCAB, 3);
        cos = KernelBackends.uniform(be, scope, (long) T * D / 2, -1, 1, 4);
        sin = KernelBackends.uniform(be, scope, (long) T * D / 2, -1, 1, 5);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scope.close();
    }

    /** Contiguous copy through copyStrided (vector: bulk MemorySegment.copy, split over the pool). */
    @Benchmark
    public void copy() {
        be.copyStrided(new int[] {N}, src, new long[] {1}, dst);
    }

    /** (B,T,H,D) → (B,H,T,D): rows of D = 64 contiguous floats. */
    @Benchmark
    public void permuteBTHD() {
        be.copyStrided(new int[] {B, H, T, D}, src, new long[] {(long) T * H * D, D, (long) H * D, 1}, dst);
    }

    /** (COLS, ROWS) = transpose of a (ROWS, COLS) matrix. */
    @Benchmark
    public void transpose() {
        be.copyStrided(new int[] {COLS, ROWS}, src, new long[] {1, COLS}, dst);
    }

    /** 8192 rows of 1024 floats gathered from a 16384-row table. */
    @Benchmark
    public void embedding() {
        be.embedding(TOKENS, DIM, VOCAB, table, ids, dst);
    }

    /** Interleaved RoPE on (B,T,H,D). */
    @Benchmark
    public void rope() {
        be.rope(B, T, H, D, src, cos, sin, false, dst);
    }
}
