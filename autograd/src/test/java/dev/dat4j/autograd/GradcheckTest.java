package dev.dat4j.autograd;

import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Finite-difference gradient check of every differentiable op (one test per op). */
class GradcheckTest {
    private Scope scope;
    private final Generator gen = new Generator(7);

    @BeforeEach
    void open() {
        scope = Scope.open(Backends.cpu());
    }

    @AfterEach
    void close() {
        scope.close();
    }

    /** N(0,1) leaf that requires grad. */
    private Tensor x(int... shape) {
        return Tensor.randn(gen, shape).requiresGrad_(true);
    }

    /** Leaf with values in [lo, hi] (away from kinks and domain edges). */
    private Tensor u(float lo, float hi, int... shape) {
        float[] v = Tensor.rand(gen, shape).toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * v[i];
        return Tensor.of(v, shape).requiresGrad_(true);
    }

    /** Leaf whose |values| lie in [0.2, 2] with random signs (away from 0 for abs/relu). */
    private Tensor awayFromZero(int... shape) {
        float[] v = u(0.2f, 2f, shape).toFloatArray();
        float[] s = Tensor.rand(gen, shape).toFloatArray();
        for (int i = 0; i < v.length; i++) if (s[i] < 0.5f) v[i] = -v[i];
        return Tensor.of(v, shape).requiresGrad_(true);
    }

    private static void check(String name, Function<List<Tensor>, Tensor> f, Tensor... in) {
        Gradcheck.check(name, f, in);
    }

    // ---------------------------------------------------------------- the checker itself

    @Test
    void gradcheckRejectsAWrongRule() {
        Tensor a = x(3, 4);
        // y = 2a with a rule claiming dy/da = 2.1: must be caught
        Function<List<Tensor>, Tensor> wrong = in -> {
            Tensor t = in.get(0);
            Tensor y = PointwiseOps.affine(t.detach(), 2f, 0f, "scale");
            return Ops.record(y, "wrongScale", g -> new Tensor[] {g.mul(2.1f)}, t);
        };
        assertThrows(AssertionError.class, () -> check("wrongScale", wrong, a));
        Function<List<Tensor>, Tensor> transposed = in -> {   // a rule that forgets a transpose
            Tensor t = in.get(0);
            Tensor y = t.detach().matmul(t.detach().t());
            return Ops.record(y, "badGram", g -> new Tensor[] {g.matmul(t.detach()).mul(2f).add(0.01f)}, t);
        };
        assertThrows(AssertionError.class, () -> check("badGram", transposed, a));
    }

    // ---------------------------------------------------------------- binary with broadcasting

    @Test void add() { check("add", in -> in.get(0).add(in.get(1)), x(2, 3, 4), x(3, 1)); }
    @Test void sub() { check("sub", in -> in.get(0).sub(in.get(1)), x(4), x(2, 3, 4)); }
    @Test void mul() { check("mul", in -> in.get(0).mul(in.get(1)), x(2, 1, 4), x(3, 1)); }
    @Test void div() { check("div", in -> in.get(0).div(in.get(1)), x(2, 3), u(0.5f, 2f, 3)); }
    @Test void addSameTensorTwice() { check("add(x, x)", in -> in.get(0).add(in.get(0)).mul(in.get(0)), x(5)); }

    // ---------------------------------------------------------------- scalar variants

    @Test void addScalar() { check("add(float)", in -> in.get(0).add(3f), x(2, 3)); }
    @Test void subScalar() { check("sub(float)", in -> in.get(0).sub(3f), x(2, 3)); }
    @Test void mulScalar() { check("mul(float)", in -> in.get(0).mul(-1.5f), x(2, 3)); }
    @Test void divScalar() { check("div(float)", in -> in.get(0).div(4f), x(2, 3)); }
    @Test void rsubScalar() { check("rsub(float)", in -> in.get(0).rsub(1f), x(2, 3)); }

    // ---------------------------------------------------------------- unary

    @Test void neg() { check("neg", in -> in.get(0).neg(), x(7)); }
    @Test void abs() { check("abs", in -> in.get(0).abs(), awayFromZero(9)); }
    @Test void exp() { check("exp", in -> in.get(0).exp(), x(9)); }
    @Test void log() { check("log", in -> in.get(0).log(), u(0.5f, 3f, 9)); }
    @Test void sqrt() { check("sqrt", in -> in.get(0).sqrt(), u(0.5f, 3f, 9)); }
    @Test void rsqrt() { check("rsqrt", in -> in.get(0).rsqrt(), u(0.5f, 3f, 9)); }
    @Test void square() { check("square", in -> in.get(0).square(), x(9)); }
    @Test void reciprocal() { check("reciprocal", in -> in.get(0).reciprocal(), u(0.5f, 3f, 9)); }
    @Test void tanh() { check("tanh", in -> in.get(0).tanh(), x(9)); }
    @Test void sigmoid() { check("sigmoid", in -> in.get(0).sigmoid(), x(9)); }
    @Test void relu() { check("relu", in -> in.get(0).relu(), awayFromZero(9)); }
    @Test void gelu() { check("gelu", in -> in.get(0).gelu(), x(9)); }
    @Test void silu() { check("silu", in -> in.get(0).silu(), x(9)); }
    @Test void pow() { check("pow", in -> in.get(0).pow(2.5f), u(0.5f, 2f, 9)); }
    @Test void unaryOnStridedInput() { check("exp(transposed)", in -> in.get(0).t().exp(), x(3, 4)); }

    // ---------------------------------------------------------------- matmul and linear

    @Test void matmul2d() { check("matmul 2d", in -> in.get(0).matmul(in.get(1)), x(3, 4), x(4, 5)); }
    @Test void matmulTransposedOperands() { check("matmul aᵀ bᵀ", in -> in.get(0).t().matmul(in.get(1).t()), x(4, 3), x(5, 4)); }
    @Test void matmulBatched() { check("matmul batched", in -> in.get(0).matmul(in.get(1)), x(2, 3, 4), x(2, 4, 2)); }
    @Test void matmulBroadcastBatch() { check("matmul broadcast", in -> in.get(0).matmul(in.get(1)), x(2, 1, 3, 4), x(3, 4, 2)); }
    @Test void matmulFoldedWeight() { check("matmul (..,k)@(k,n)", in -> in.get(0).matmul(in.get(1)), x(2, 3, 4), x(4, 5)); }
    @Test void matmulVector() { check("matmul vec", in -> in.get(0).matmul(in.get(1)), x(3, 4), x(4)); }
    @Test void matmulAttentionScores() {  // q @ kᵀ on permuted (B,T,H,D) views, as in attention
        check("matmul q kᵀ", in -> in.get(0).permute(0, 2, 1, 3).matmul(in.get(1).permute(0, 2, 3, 1)), x(2, 3, 2, 4), x(2, 3, 2, 4));
    }
    @Test void linear() { check("linear", in -> F.linear(in.get(0), in.get(1), in.get(2)), x(2, 3, 4), x(5, 4), x(5)); }
    @Test void linearNoBias() { check("linear no bias", in -> F.linear(in.get(0), in.get(1), null), x(3, 4), x(2, 4)); }

    // ---------------------------------------------------------------- reductions

    @Test void sumAll() { check("sum", in -> in.get(0).sum(), x(2, 3, 4)); }
    @Test void sumDims() { check("sum dims", in -> in.get(0).sum(new int[] {0, 2}, false), x(2, 3, 4)); }
    @Test void sumKeepdim() { check("sum keepdim", in -> in.get(0).sum(1, true), x(2, 3, 4)); }
    @Test void mean() { check("mean", in -> in.get(0).mean(-1, false), x(2, 3, 4)); }
    @Test void meanAll() { check("mean all", in -> in.get(0).mean(), x(3, 4)); }
    @Test void max() {
        float[] v = new float[24];   // well separated values, so ±eps never changes the argmax
        for (int i = 0; i < v.length; i++) v[i] = ((i * 7) % 24) * 0.25f;
        check("max", in -> in.get(0).max(1, false), Tensor.of(v, 2, 3, 4).requiresGrad_(true));
        check("max last", in -> in.get(0).max(-1, true), Tensor.of(v, 2, 3, 4).requiresGrad_(true));
    }
    @Test void var() { check("var", in -> in.get(0).var(1, true, false), x(3, 5)); }

    // ---------------------------------------------------------------- softmax and losses

    @Test void softmax() { check("softmax", in -> in.get(0).softmax(-1), x(3, 5)); }
    @Test void softmaxMiddleDim() { check("softmax dim 1", in -> in.get(0).softmax(1), x(2, 3, 4)); }
    @Test void softmaxScaledCausal() { check("softmax causal", in -> in.get(0).softmax(0.5f, true), x(2, 4, 4)); }
    @Test void logSoftmax() { check("logSoftmax", in -> in.get(0).logSoftmax(-1), x(3, 5)); }
    @Test void crossEntropy() {
        Tensor t = Tensor.ofInts(new int[] {1, -100, 4, 0, 2, 2}, 2, 3);
        check("crossEntropy", in -> F.crossEntropy(in.get(0), t), x(2, 3, 5));
    }
    @Test void crossEntropyLosses() {
        Tensor t = Tensor.ofInts(new int[] {1, 3, 0, 0}, 4);
        check("crossEntropyLosses", in -> F.crossEntropyLosses(in.get(0), t, 3), x(4, 6));
    }

    // ---------------------------------------------------------------- normalisation

    @Test void layerNorm() { check("layerNorm", in -> F.layerNorm(in.get(0), in.get(1), in.get(2), 1e-5f), x(2, 3, 6), x(6), x(6)); }
    @Test void layerNormNoAffine() { check("layerNorm plain", in -> F.layerNorm(in.get(0), null, null, 1e-5f), x(4, 5)); }
    @Test void rmsNorm() { check("rmsNorm", in -> F.rmsNorm(in.get(0), in.get(1), 1e-5f), x(3, 6), x(6)); }

    // ---------------------------------------------------------------- indexing

    @Test void embedding() {
        Tensor ids = Tensor.ofInts(new int[] {2, 0, 2, 4, 1, 0}, 2, 3);
        check("embedding", in -> F.embedding(ids, in.get(0)), x(5, 3));
    }
    @Test void gather() {
        Tensor idx = Tensor.ofInts(new int[] {0, 3, 3, 1, 2, 0}, 3, 2);
        check("gather", in -> in.get(0).gather(-1, idx), x(3, 4));
    }
    @Test void where() {
        Tensor c = Tensor.of(new float[] {1, 0, 0, 1, 1, 0}, 2, 3);
        check("where", in -> Tensor.where(c, in.get(0), in.get(1)), x(2, 3), x(3));
    }
    @Test void maskedFill() { check("maskedFill", in -> in.get(0).maskedFill(Tensor.causalMask(3), -5f), x(2, 3, 3)); }

    // ---------------------------------------------------------------- noise and position

    @Test void dropout() { check("dropout", in -> F.dropout(in.get(0), 0.4f, true, new Generator(3)), x(4, 5)); }
    @Test void rope() {
        Tensor[] cs = F.ropeTables(5, 4, 10000);
        check("rope", in -> F.rope(in.get(0), cs[0], cs[1]), x(2, 3, 2, 4));
    }

    // ---------------------------------------------------------------- views and movement

    @Test void reshape() { check("reshape", in -> in.get(0).reshape(3, -1).mul(in.get(0).reshape(3, 4)), x(2, 6)); }
    @Test void reshapeOfPermuted() { check("reshape(permuted)", in -> in.get(0).permute(1, 0, 2).reshape(3, 8).exp(), x(2, 3, 4)); }
    @Test void view() { check("view", in -> in.get(0).view(6, 2).exp(), x(3, 4)); }
    @Test void flatten() { check("flatten", in -> in.get(0).flatten(1, 2).exp(), x(2, 3, 2)); }
    @Test void permute() { check("permute", in -> in.get(0).permute(2, 0, 1).exp(), x(2, 3, 4)); }
    @Test void transpose() { check("transpose", in -> in.get(0).transpose(0, 2).exp(), x(2, 3, 4)); }
    @Test void narrow() { check("narrow", in -> in.get(0).narrow(1, 1, 2).exp(), x(2, 4, 3)); }
    @Test void select() { check("select", in -> in.get(0).select(0, 1).exp(), x(3, 4)); }
    @Test void unsqueezeSqueeze() { check("unsqueeze/squeeze", in -> in.get(0).unsqueeze(1).exp().squeeze(1), x(3, 4)); }
    @Test void expand() { check("expand", in -> in.get(0).expand(3, 2, 4).exp(), x(2, 1)); }
    @Test void contiguous() { check("contiguous", in -> in.get(0).t().contiguous().exp(), x(3, 4)); }
    @Test void cat() { check("cat", in -> Tensor.cat(List.of(in.get(0), in.get(1)), 1).exp(), x(2, 2, 3), x(2, 1, 3)); }
    @Test void stack() { check("stack", in -> Tensor.stack(List.of(in.get(0), in.get(1)), 2).exp(), x(2, 3), x(2, 3)); }
    @Test void split() {
        check("split", in -> {
            List<Tensor> parts = in.get(0).split(2, -1);
            return parts.get(0).mul(parts.get(1)).add(parts.get(2).sum(-1, true));
        }, x(3, 6));
    }
    @Test void chunk() { check("chunk", in -> in.get(0).chunk(2, 0).get(1).exp(), x(4, 2)); }
}
