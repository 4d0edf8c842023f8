package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Tensor;

/** RMSNorm over the last dim: x·rsqrt(mean(x²) + eps)·weight, weight init 1 ({@code nn.RMSNorm}). */
public final class RMSNorm extends Layer {
    private final Parameter weight;
    private final float eps;

    public RMSNorm(int dim, float eps) {
        this.eps = eps;
        this.weight = registerParameter("weight", Parameter.zeros(dim));
        Init.ones_(weight);
    }

    /** eps 1e-5, the DAT reference's value (PyTorch's own default is float32 machine epsilon). */
    public RMSNorm(int dim) {
        this(dim, 1e-5f);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.rmsNorm(x, weight, eps);
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public String toString() {
        return "RMSNorm(" + weight.size(0) + ", eps=" + eps + ")";
    }
}
