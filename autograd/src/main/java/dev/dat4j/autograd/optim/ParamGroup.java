package dev.dat4j.autograd.optim;

import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameters sharing optimizer settings (PyTorch's param groups): a learning rate (NaN = the
 * optimizer's) and a weight decay.
 */
public final class ParamGroup {
    private final List<Parameter> params;
    private float lr;
    private float weightDecay;

    public ParamGroup(List<Parameter> params, float weightDecay) {
        this(params, Float.NaN, weightDecay);
    }

    public ParamGroup(List<Parameter> params, float lr, float weightDecay) {
        this.params = List.copyOf(params);
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /**
     * The usual AdamW split: weight decay on tensors with ≥ 2 dims (matrices, embeddings), none on
     * vectors (biases, norm gains).
     */
    public static List<ParamGroup> decayMatricesOnly(Module model, float weightDecay) {
        List<Parameter> decay = new ArrayList<>(), noDecay = new ArrayList<>();
        for (Parameter p : model.parameters()) (p.dim() >= 2 ? decay : noDecay).add(p);
        return List.of(new ParamGroup(decay, weightDecay), new ParamGroup(noDecay, 0f));
    }

    public List<Parameter> params() {
        return params;
    }

    public float lr() {
        return lr;
    }

    public void setLr(float lr) {
        this.lr = lr;
    }

    public float weightDecay() {
        return weightDecay;
    }

    public void setWeightDecay(float weightDecay) {
        this.weightDecay = weightDecay;
    }
}
