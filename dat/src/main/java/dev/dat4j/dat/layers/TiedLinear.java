package dev.dat4j.dat.layers;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Parameter;

/**
 * A bias-free Linear whose {@code weight} is another module's parameter (weight tying: the LM
 * output layer reuses the token embedding (vocab, d)). The state dict lists the shared tensor under
 * both names, as PyTorch does.
 */
public final class TiedLinear extends Layer {
    private final Parameter weight;

    public TiedLinear(Parameter weight) {
        this.weight = registerParameter("weight", weight);
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.linear(x, weight, null);
    }
}
