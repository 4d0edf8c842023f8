package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Tensor;

/** LayerNorm over the last dim with gain (init 1) and optional bias (init 0), as {@code nn.LayerNorm}. */
public final class LayerNorm extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final float eps;

    public LayerNorm(int dim, float eps, boolean bias) {
        this.eps = eps;
        this.weight = registerParameter("weight", Parameter.zeros(dim));
        Init.ones_(weight);
        this.bias = bias ? registerParameter("bias", Parameter.zeros(dim)) : null;
    }

    /** eps 1e-5 with bias, PyTorch's defaults. */
    public LayerNorm(int dim) {
        this(dim, 1e-5f, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.layerNorm(x, weight, bias, eps);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public String toString() {
        return "LayerNorm(" + weight.size(0) + ", eps=" + eps + ", bias=" + (bias != null) + ")";
    }
}
