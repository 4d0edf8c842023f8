package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;

/**
 * y = x·Wᵀ + b with weight (out, in) and bias (out), as PyTorch's {@code nn.Linear}; initialised
 * like PyTorch: W, b ~ U(−1/√in, 1/√in).
 */
public final class Linear extends Layer {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int in, int out, boolean bias, Generator gen) {
        this.weight = registerParameter("weight", Parameter.zeros(out, in));
        Init.kaimingUniform_(weight, Math.sqrt(5), gen);
        this.bias = bias ? registerParameter("bias", Parameter.zeros(out)) : null;
        if (bias) {
            double bound = in > 0 ? 1 / Math.sqrt(in) : 0;
            Init.uniform_(this.bias, -bound, bound, gen);
        }
    }

    /** With bias, initialised from the default generator. */
    public Linear(int in, int out) {
        this(in, out, true, Generator.defaultGenerator());
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return weight.size(1);
    }

    public int outFeatures() {
        return weight.size(0);
    }

    @Override
    public String toString() {
        return "Linear(in_features=" + inFeatures() + ", out_features=" + outFeatures() + ", bias=" + (bias != null) + ")";
    }
}
