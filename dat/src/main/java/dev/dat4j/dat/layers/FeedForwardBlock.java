package dev.dat4j.dat.layers;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.dat.config.Activation;

/**
 * The position-wise FFN, dat-spec §6.1: {@code linear2(act(linear1(x)))}, or for SwiGLU
 * {@code linear2(silu(linear1(x)) ⊙ linear3(x))}; biases iff {@code useBias}.
 */
public final class FeedForwardBlock extends Layer {
    private final Activation activation;
    private final Linear linear1, linear2, linear3;

    public FeedForwardBlock(int dModel, int dff, Activation activation, boolean useBias, Generator gen) {
        this.activation = activation;
        this.linear1 = register("linear1", new Linear(dModel, dff, useBias, gen));
        this.linear2 = register("linear2", new Linear(dff, dModel, useBias, gen));
        this.linear3 = activation == Activation.SWIGLU ? register("linear3", new Linear(dModel, dff, useBias, gen)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = linear1.forward(x);
        h = switch (activation) {
            case SWIGLU -> h.silu().mul(linear3.forward(x));
            case RELU -> h.relu();
            case GELU -> h.gelu();
            case SILU -> h.silu();
            case TANH -> h.tanh();
            case SIGMOID -> h.sigmoid();
            case SOFTMAX -> h.softmax(-1);
            case IDENTITY -> h;
        };
        return linear2.forward(h);
    }
}
