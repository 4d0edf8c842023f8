package dev.dat4j.autograd;

/**
 * Functional forms of the layer ops (PyTorch's {@code torch.nn.functional}); every one is a
 * primitive with a hand-written backward calling one fused kernel.
 */
public final class F {
    /** PyTorch's default {@code ignore_index} of cross-entropy. */
    public static final int IGNORE_INDEX = -100;

    private F() {}

    /** x (..., in) @ weightᵀ + bias; weight (out, in), bias (out) or null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return MatmulOps.linear(x, weight, bias);
    }

    /** LayerNorm over the last dim; weight, bias (C) or null. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return NormOps.layerNorm(x, weight, bias, eps);
    }

    /** RMSNorm over the last dim: x·rsqrt(mean(x²) + eps)·weight; weight (C) or null. */
    public static Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        return NormOps.rmsNorm(x, weight, eps);
    }

    /** Rows of {@code weight} (V, D) picked by int32 {@code ids} (...) → (..., D). */
    public static Tensor embedding(Tensor ids, Tensor weight) {
        return IndexOps.embedding(weight, ids);
    }

    /** Mean cross-entropy of logits (..., V) against int32 targets (...), skipping {@link #IGNORE_INDEX}. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return SoftmaxOps.crossEntropy(logits, targets, IGNORE_INDEX);
    }

    /** Mean cross-entropy over the targets that are not {@code ignoreIndex}. */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        return SoftmaxOps.crossEntropy(logits, targets, ignoreIndex);
    }

    /** Per-position cross-entropy (reduction 'none'); 0 where the target is {@code ignoreIndex}. */
    public static Tensor crossEntropyLosses(Tensor logits, Tensor targets, int ignoreIndex) {
        return SoftmaxOps.crossEntropyLosses(logits, targets, ignoreIndex);
    }

    /** Softmax along {@code dim}. */
    public static Tensor softmax(Tensor x, int dim) {
        return SoftmaxOps.softmax(x, dim, 1f, false);
    }

    /** Softmax of scale·scores over the last dim, optionally causal over the last two dims (Tq, Tk). */
    public static Tensor softmax(Tensor scores, float scale, boolean causal) {
        return SoftmaxOps.softmax(scores, -1, scale, causal);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return SoftmaxOps.logSoftmax(x, dim);
    }

    /** Inverted dropout with probability p when {@code training}; identity otherwise. Seed drawn from {@code gen}. */
    public static Tensor dropout(Tensor x, float p, boolean training, Generator gen) {
        return NoiseOps.dropout(x, p, training, gen);
    }

    /** Interleaved RoPE of x (B, T, H, D) with tables cos, sin (≥ T, D/2) from {@link #ropeTables}. */
    public static Tensor rope(Tensor x, Tensor cos, Tensor sin) {
        return NoiseOps.rope(x, cos, sin);
    }

    /** {cos, sin} tables (seq, dim/2) for RoPE with base θ (10000 in the reference). */
    public static Tensor[] ropeTables(int seq, int dim, double theta) {
        return NoiseOps.ropeTables(seq, dim, theta);
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** GELU, tanh approximation. */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    public static Tensor silu(Tensor x) {
        return x.silu();
    }
}
