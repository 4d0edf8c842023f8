package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.set;

/**
 * Fused optimiser updates (PyTorch semantics, see {@link Backend#adamStep} and
 * {@link Backend#sgdStep}): one pass over parameters, gradients and state. The vector code
 * applies the reference's float operations in the reference's order, so updates are
 * bit-identical to {@link ScalarBackend}.
 */
final class VectorOptim {
    private VectorOptim() {}

    static void adamStep(long n, MemorySegment param, MemorySegment grad, MemorySegment m, MemorySegment v,
                         float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step) {
        float bc1 = 1f - (float) Math.pow(beta1, step);
        float bc2 = 1f - (float) Math.pow(beta2, step);
        float l2 = decoupled ? 0f : weightDecay;          // Adam: g += wd·θ
        float decay = decoupled ? lr * weightDecay : 0f;  // AdamW: θ −= lr·wd·θ
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) {
                // Direct Vector API loads/stores: this loop is big enough for C2 to stop inlining helpers.
                FloatVector theta = FloatVector.fromMemorySegment(S, param, i << 2, ORDER);
                FloatVector g = FloatVector.fromMemorySegment(S, grad, i << 2, ORDER);
                if (!decoupled) g = g.add(theta.mul(l2));
                FloatVector mi = FloatVector.fromMemorySegment(S, m, i << 2, ORDER).mul(beta1).add(g.mul(1f - beta1));
                FloatVector vi = FloatVector.fromMemorySegment(S, v, i << 2, ORDER).mul(beta2).add(g.mul(1f - beta2).mul(g));
                mi.intoMemorySegment(m, i << 2, ORDER);
                vi.intoMemorySegment(v, i << 2, ORDER);
                if (decoupled) theta = theta.sub(theta.mul(decay));
                theta = theta.sub(mi.div(bc1).mul(lr).div(vi.div(bc2).sqrt().add(eps)));
                theta.intoMemorySegment(param, i << 2, ORDER);
            }
            for (; i < to; i++) {
                float theta = get(param, i), g = get(grad, i);
                if (!decoupled) g += l2 * theta;
                float mi = beta1 * get(m, i) + (1f - beta1) * g;
                float vi = beta2 * get(v, i) + (1f - beta2) * g * g;
                set(m, i, mi);
                set(v, i, vi);
                if (decoupled) theta -= decay * theta;
                theta -= lr * (mi / bc1) / ((float) Math.sqrt(vi / bc2) + eps);
                set(param, i, theta);
            }
        });
    }

    static void sgdStep(long n, MemorySegment param, MemorySegment grad, MemorySegment momentumBuf, float lr,
                        float momentum, float weightDecay, boolean firstStep) {
        boolean useMomentum = momentum != 0f;
        Parallel.forRange(n, (from, to) -> {
            long i = from, end = from + bound(to - from);
            for (; i < end; i += L) {
                FloatVector theta = FloatVector.fromMemorySegment(S, param, i << 2, ORDER);
                FloatVector g = FloatVector.fromMemorySegment(S, grad, i << 2, ORDER).add(theta.mul(weightDecay));
                if (useMomentum) {
                    if (!firstStep) g = FloatVector.fromMemorySegment(S, momentumBuf, i << 2, ORDER).mul(momentum).add(g);
                    g.intoMemorySegment(momentumBuf, i << 2, ORDER);
                }
                theta.sub(g.mul(lr)).intoMemorySegment(param, i << 2, ORDER);
            }
            for (; i < to; i++) {
                float g = get(grad, i) + weightDecay * get(param, i);
                if (useMomentum) {
                    g = firstStep ? g : momentum * get(momentumBuf, i) + g;
                    set(momentumBuf, i, g);
                }
                set(param, i, get(param, i) - lr * g);
            }
        });
    }
}
