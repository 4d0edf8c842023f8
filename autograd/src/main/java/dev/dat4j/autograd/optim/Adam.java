package dev.dat4j.autograd.optim;

import dev.dat4j.autograd.DType;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Parameter;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (weight decay as an L2 term added to the gradient, like {@code torch.optim.Adam}); the
 * subclass-free {@link AdamW} flag switches to decoupled decay. One fused {@code adamStep} kernel
 * per parameter.
 */
public class Adam extends Optimizer {
    private final float beta1, beta2, eps;
    private final boolean decoupled;
    private final Map<Parameter, State> state = new IdentityHashMap<>();

    private static final class State {
        final Tensor m, v;
        int step;

        State(Parameter p) {
            m = Tensor.empty(p.scope(), DType.F32, p.shape()).zero_();
            v = Tensor.empty(p.scope(), DType.F32, p.shape()).zero_();
        }
    }

    Adam(List<ParamGroup> groups, float lr, float beta1, float beta2, float eps, boolean decoupled) {
        super(groups, lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
    }

    /** torch.optim.Adam(params, lr, betas=(beta1, beta2), eps, weight_decay). */
    public Adam(List<Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay) {
        this(single(params, weightDecay), lr, beta1, beta2, eps, false);
    }

    /** Betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Parameter> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    @Override
    protected void update(Parameter p, float lr, float weightDecay) {
        State s = state.computeIfAbsent(p, State::new);
        s.step++;
        p.backend().adamStep(p.numel(), p.buffer(), p.grad().buffer(), s.m.buffer(), s.v.buffer(), lr, beta1, beta2, eps,
                weightDecay, decoupled, s.step);
    }
}
