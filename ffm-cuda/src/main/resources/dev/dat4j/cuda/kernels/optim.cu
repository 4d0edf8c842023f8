// Fused optimiser steps (PyTorch semantics), one thread per parameter, the same operation order
// as ScalarBackend so results agree to the last bit (no FMA contraction, see common.cuh).

// param, grad, m, v: (n). bc1 = 1 − β1^step, bc2 = 1 − β2^step, computed by the host.
extern "C" __global__ void adam_step(float* param, const float* grad, float* m, float* v, i64 n,
                                     float lr, float beta1, float beta2, float eps, float weight_decay,
                                     int decoupled, float bc1, float bc2) {
    FOR_EACH(i, n) {
        float theta = param[i];
        float g = grad[i];
        if (!decoupled) g += weight_decay * theta;           // Adam: L2 penalty in the gradient
        float mi = beta1 * m[i] + (1.f - beta1) * g;
        float vi = beta2 * v[i] + (1.f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        if (decoupled) theta -= lr * weight_decay * theta;   // AdamW: decay the weight directly
        theta -= lr * (mi / bc1) / (sqrtf(vi / bc2) + eps);
        param[i] = theta;
    }
}

// param, grad, buf: (n); buf may be null when momentum == 0. buf = g on the first step.
extern "C" __global__ void sgd_step(float* param, const float* grad, float* buf, i64 n, float lr,
                                    float momentum, float weight_decay, int first_step) {
    FOR_EACH(i, n) {
        float g = grad[i] + weight_decay * param[i];
        if (momentum != 0.f) {
            g = first_step ? g : momentum * buf[i] + g;
            buf[i] = g;
        }
        param[i] = param[i] - lr * g;
    }
}
