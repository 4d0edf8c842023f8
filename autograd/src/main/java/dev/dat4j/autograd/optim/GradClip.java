package dev.dat4j.autograd.optim;

import dev.dat4j.autograd.Tensor;

import java.util.List;

/** Gradient-norm clipping ({@code torch.nn.utils.clip_grad_norm_}). */
public final class GradClip {
    private GradClip() {}

    /** The L2 norm of all gradients together (parameters without a gradient are skipped). */
    public static double globalNorm(List<? extends Tensor> params) {
        double ss = 0;
        for (Tensor p : params) {
            if (p.grad() != null) ss += p.backend().sumOfSquares(p.numel(), p.grad().buffer());
        }
        return Math.sqrt(ss);
    }

    /**
     * Scales all gradients by maxNorm/(norm + 1e-6) when their global norm exceeds {@code maxNorm};
     * returns the norm before clipping.
     */
    public static double clipGradNorm(List<? extends Tensor> params, double maxNorm) {
        double norm = globalNorm(params);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) g.backend().affine(g.numel(), g.buffer(), (float) coef, 0f, g.buffer());
            }
        }
        return norm;
    }
}
