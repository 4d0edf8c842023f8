package dev.dat4j.autograd.optim;

import dev.dat4j.autograd.DType;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Parameter;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** SGD with optional momentum and L2 weight decay ({@code torch.optim.SGD}); one fused {@code sgdStep} per parameter. */
public final class SGD extends Optimizer {
    private final float momentum;
    private final Map<Parameter, Tensor> buffers = new IdentityHashMap<>();

    public SGD(List<Parameter> params, float lr, float momentum, float weightDecay) {
        super(single(params, weightDecay), lr);
        this.momentum = momentum;
    }

    public SGD(List<Parameter> params, float lr) {
        this(params, lr, 0f, 0f);
    }

    @Override
    protected void update(Parameter p, float lr, float weightDecay) {
        Tensor buf = null;
        boolean first = false;
        if (momentum != 0f) {
            buf = buffers.get(p);
            if (buf == null) {
                buf = Tensor.empty(p.scope(), DType.F32, p.shape());
                buffers.put(p, buf);
                first = true;
            }
        }
        p.backend().sgdStep(p.numel(), p.buffer(), p.grad().buffer(), buf == null ? null : buf.buffer(), lr, momentum,
                weightDecay, first);
    }
}
