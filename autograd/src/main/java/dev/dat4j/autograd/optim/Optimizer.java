package dev.dat4j.autograd.optim;

import dev.dat4j.autograd.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Base of the optimizers: parameter groups, {@link #step()} over every parameter that has a
 * gradient, {@link #zeroGrad()}.
 *
 * <p>Gradients accumulate: {@code backward()} adds into {@code .grad}. For gradient accumulation
 * over k micro-batches, scale each micro-batch loss by 1/k, call backward k times, then
 * {@code step()} and {@code zeroGrad()} once. Optimizer state (momenta) is allocated on the first
 * step in each parameter's own scope (the model scope), so it survives the step scopes.
 */
public abstract class Optimizer {
    protected final List<ParamGroup> groups;
    private float lr;

    protected Optimizer(List<ParamGroup> groups, float lr) {
        if (!(lr >= 0f)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        this.groups = List.copyOf(groups);
        this.lr = lr;
    }

    static List<ParamGroup> single(List<Parameter> params, float weightDecay) {
        return List.of(new ParamGroup(new ArrayList<>(params), weightDecay));
    }

    /** Applies one update to every parameter with a gradient. */
    public final void step() {
        for (ParamGroup g : groups) {
            float groupLr = Float.isNaN(g.lr()) ? lr : g.lr();
            for (Parameter p : g.params()) {
                if (p.grad() != null) update(p, groupLr, g.weightDecay());
            }
        }
    }

    /** Updates one parameter from its gradient. */
    protected abstract void update(Parameter p, float lr, float weightDecay);

    /** Zeroes every gradient (buffers are kept, so memory stays flat). */
    public final void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                if (p.grad() != null) p.grad().zero_();
            }
        }
    }

    /** The default learning rate (used by groups without their own). */
    public final float lr() {
        return lr;
    }

    /** Sets the default learning rate (e.g. from an {@link LrSchedule}); groups with their own lr keep it. */
    public final void setLr(float lr) {
        this.lr = lr;
    }

    public final List<ParamGroup> paramGroups() {
        return groups;
    }
}
