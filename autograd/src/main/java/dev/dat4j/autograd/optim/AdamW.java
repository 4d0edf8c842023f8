package dev.dat4j.autograd.optim;

import dev.dat4j.autograd.nn.Parameter;

import java.util.List;

/** AdamW: Adam with decoupled weight decay ({@code torch.optim.AdamW}), with parameter groups. */
public final class AdamW extends Adam {

    /** torch.optim.AdamW(groups, lr, betas, eps); each group carries its weight decay. */
    public AdamW(List<ParamGroup> groups, float lr, float beta1, float beta2, float eps) {
        super(groups, lr, beta1, beta2, eps, true);
    }

    /** One group with weight decay {@code weightDecay}, betas (0.9, 0.999), eps 1e-8. */
    public AdamW(List<Parameter> params, float lr, float weightDecay) {
        super(single(params, weightDecay), lr, 0.9f, 0.999f, 1e-8f, true);
    }

    /** PyTorch's defaults: weight decay 0.01, betas (0.9, 0.999), eps 1e-8. */
    public AdamW(List<Parameter> params, float lr) {
        this(params, lr, 0.01f);
    }
}
