package dev.dat4j.autograd;

import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link F#scaledDotProductAttention} against the same computation recorded op by op
 * (matmul, softmax, matmul): outputs and every gradient, for head views, causal masks, broadcast
 * keys and values, on both paths: the fused CPU kernels, and GEMM, softmax, GEMM with each way of
 * cutting the work into chunks.
 */
class AttentionOpsTest {
    private static final long DEFAULT_CHUNK = AttentionOps.chunkFloats;
    private static final int DEFAULT_BLOCKS = AttentionOps.causalBlocks;
    private Scope scope;
    private final Generator gen = new Generator(11);

    @BeforeEach
    void open() {
        scope = Scope.open(Backends.cpu());
    }

    @AfterEach
    void close() {
        scope.close();
        AttentionOps.chunkFloats = DEFAULT_CHUNK;
        AttentionOps.causalBlocks = DEFAULT_BLOCKS;
        AttentionOps.fused = true;
    }

    private static Tensor composite(Tensor q, Tensor k, Tensor v, float scale, boolean causal) {
        return q.matmul(k.transpose(-2, -1)).softmax(scale, causal).matmul(v);
    }

    /** Output and input gradients of f for a fixed random output weighting. */
    private float[][] run(Function<List<Tensor>, Tensor> f, Tensor... in) {
        for (Tensor t : in) t.grad = null;
        Tensor out = f.apply(List.of(in));
        Tensor w = Tensor.randn(new Generator(3), out.shape());
        out.mul(w).sum().backward();
        float[][] r = new float[in.length + 1][];
        r[0] = out.toFloatArray();
        for (int i = 0; i < in.length; i++) r[i + 1] = in[i].grad().toFloatArray();
        return r;
    }

    /** The primitive on both of its paths (fused kernels; GEMM, softmax, GEMM in blocks) against the reference. */
    private void assertSame(Function<List<Tensor>, Tensor> primitive, Function<List<Tensor>, Tensor> reference, Tensor... in) {
        float[][] b = run(reference, in);
        for (boolean fused : new boolean[] {true, false}) {
            AttentionOps.fused = fused;
            float[][] a = run(primitive, in);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i].length, a[i].length);
                for (int j = 0; j < a[i].length; j++) {
                    assertEquals(b[i][j], a[i][j], 2e-5f * (1 + Math.abs(b[i][j])),
                            (fused ? "fused: " : "blocks: ") + (i == 0 ? "output" : "gradient " + (i - 1)) + " at " + j);
                }
            }
        }
    }

    /** Block sizes: everything at once, groups of entries, one entry at a time, row blocks; 1 to 6 causal row blocks. */
    @ParameterizedTest
    @ValueSource(longs = {1 << 18, 100, 40, 7})
    void headViewsCausalAndNot(long chunk) {
        AttentionOps.chunkFloats = chunk;
        int b = 3, t = 6, h = 2, d = 4;
        Tensor x = Tensor.randn(gen, b, t, 3 * h * d).requiresGrad_(true);
        for (int blocks : new int[] {1, 3, 4, 6})
        for (boolean causal : new boolean[] {true, false}) {
            AttentionOps.causalBlocks = blocks;
            Function<List<Tensor>, Tensor[]> heads = in -> {
                Tensor[] qkv = in.get(0).view(b, t, 3, h, d).permute(2, 0, 3, 1, 4).chunk(3, 0).toArray(Tensor[]::new);
                for (int i = 0; i < 3; i++) qkv[i] = qkv[i].squeeze(0);                 // (B, H, T, d) views
                return qkv;
            };
            assertSame(in -> { Tensor[] q = heads.apply(in); return F.scaledDotProductAttention(q[0], q[1], q[2], 0.5f, causal); },
                    in -> { Tensor[] q = heads.apply(in); return composite(q[0], q[1], q[2], 0.5f, causal); }, x);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1 << 18, 30, 9})
    void longQueriesAgainstFewKeysSplitIntoRowBlocks(long chunk) {
        AttentionOps.chunkFloats = chunk;                  // like symbolic attention: (H, B·L, d) against (H, n_s, d)
        Tensor q = Tensor.randn(gen, 2, 13, 4).requiresGrad_(true);
        Tensor k = Tensor.randn(gen, 2, 5, 4).requiresGrad_(true), v = Tensor.randn(gen, 2, 5, 3).requiresGrad_(true);
        assertSame(in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.7f, false),
                in -> composite(in.get(0), in.get(1), in.get(2), 0.7f, false), q, k, v);
        Tensor q2 = Tensor.randn(gen, 13, 4).requiresGrad_(true);                  // no batch dim at all
        assertSame(in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.7f, false),
                in -> composite(in.get(0), in.get(1), in.get(2), 0.7f, false), q2, k.select(0, 1).detach().requiresGrad_(true),
                v.select(0, 0).detach().requiresGrad_(true));
    }

    @ParameterizedTest
    @ValueSource(longs = {1 << 18, 20})
    void keysAndValuesBroadcastOverTheBatch(long chunk) {
        AttentionOps.chunkFloats = chunk;                  // grouped heads: k, v (B, G, 1, T, d), q (B, G, rep, T, d)
        Tensor q = Tensor.randn(gen, 2, 2, 3, 5, 4).requiresGrad_(true);
        Tensor k = Tensor.randn(gen, 2, 2, 1, 5, 4).requiresGrad_(true), v = Tensor.randn(gen, 2, 2, 1, 5, 4).requiresGrad_(true);
        assertSame(in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.5f, true),
                in -> composite(in.get(0), in.get(1), in.get(2), 0.5f, true), q, k, v);
        Tensor shared = Tensor.randn(gen, 5, 4).requiresGrad_(true);               // one key matrix for every entry
        assertSame(in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(1), 0.5f, false),
                in -> composite(in.get(0), in.get(1), in.get(1), 0.5f, false), q, shared);
    }

    /** Causal with fewer queries than keys: query i sees keys j <= i + Lk - Lq (as the softmax kernel). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void causalWithMoreKeysThanQueries(int blocks) {
        AttentionOps.causalBlocks = blocks;
        Tensor q = Tensor.randn(gen, 2, 5, 4).requiresGrad_(true);
        Tensor k = Tensor.randn(gen, 2, 8, 4).requiresGrad_(true), v = Tensor.randn(gen, 2, 8, 3).requiresGrad_(true);
        assertSame(in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.5f, true),
                in -> composite(in.get(0), in.get(1), in.get(2), 0.5f, true), q, k, v);
    }

    /** Entry groups (fused: entries) run on the worker threads in parallel: results are the same bits every time. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void parallelBlocksAreDeterministic(boolean fused) {
        AttentionOps.fused = fused;
        AttentionOps.chunkFloats = 64;
        Tensor q = Tensor.randn(gen, 6, 2, 8, 4).requiresGrad_(true), k = Tensor.randn(gen, 6, 2, 8, 4).requiresGrad_(true);
        Tensor v = Tensor.randn(gen, 6, 2, 8, 4).requiresGrad_(true);
        Function<List<Tensor>, Tensor> f = in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.5f, true);
        float[][] first = run(f, q, k, v);
        for (int rep = 0; rep < 5; rep++) {
            float[][] again = run(f, q, k, v);
            for (int i = 0; i < first.length; i++) org.junit.jupiter.api.Assertions.assertArrayEquals(first[i], again[i]);
        }
    }

    @Test
    void finiteDifferences() {
        AttentionOps.chunkFloats = 12;
        Tensor q = Tensor.randn(gen, 2, 4, 3).requiresGrad_(true), k = Tensor.randn(gen, 2, 4, 3).requiresGrad_(true);
        Tensor v = Tensor.randn(gen, 2, 4, 2).requiresGrad_(true);
        for (boolean fused : new boolean[] {true, false}) {
            AttentionOps.fused = fused;
            Gradcheck.check("sdpa causal", in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.6f, true), q, k, v);
            Gradcheck.check("sdpa", in -> F.scaledDotProductAttention(in.get(0), in.get(1), in.get(2), 0.6f, false), q, k, v);
        }
    }

    @Test
    void badShapesAreNamed() {
        Tensor q = Tensor.randn(gen, 2, 4, 3), k = Tensor.randn(gen, 2, 5, 3), v = Tensor.randn(gen, 2, 4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.scaledDotProductAttention(q, k, v, 1f, false));
        assertTrue(e.getMessage().contains("expected q (..., Lq, d), k (..., Lk, d), v (..., Lk, dv)"), e.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> F.scaledDotProductAttention(Tensor.randn(gen, 6, 3), Tensor.randn(gen, 4, 3), Tensor.randn(gen, 4, 3), 1f, true));
        assertTrue(c.getMessage().contains("causal attention needs Lq <= Lk"), c.getMessage());
    }
}
