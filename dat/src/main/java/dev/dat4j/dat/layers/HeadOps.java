package dev.dat4j.dat.layers;

import dev.dat4j.autograd.Tensor;
import dev.dat4j.dat.config.Activation;

/**
 * Multi-head attention products with the heads as GEMM batch dimensions (no per-head loops).
 *
 * <p>Grouped-query layout: query head h uses key/value head g = h / rep (rep = H / G). The rep
 * query heads of a group are stacked along the rows of one matrix, so a group's scores are a single
 * (rep·Lq, Lk) GEMM against its key matrix, with no copy of the shared keys or values.
 */
final class HeadOps {
    private HeadOps() {}

    /**
     * Attention probabilities softmax(q·kᵀ·scale) (causal: key j ≤ query i).
     * q: (B, Lq, H, kd), k: (B, Lk, G, kd) → probs (B, G, rep·Lq, Lk), rows ordered (r, i).
     */
    static Tensor probabilities(Tensor q, Tensor k, float scale, boolean causal) {
        int b = q.size(0), lq = q.size(1), h = q.size(2), lk = k.size(1), g = k.size(2), rep = h / g;
        return products(q, k).view(b, g, rep, lq, lk).softmax(scale, causal).view(b, g, rep * lq, lk);
    }

    /** Scaled scores q·kᵀ·scale, no mask: q (B, Lq, H, kd), k (B, Lk, G, kd) → (B, G, rep·Lq, Lk). */
    static Tensor scores(Tensor q, Tensor k, float scale) {
        return products(q, k).mul(scale);
    }

    /** q·kᵀ per group: (B, G, rep·Lq, Lk), rows ordered (r, i). */
    private static Tensor products(Tensor q, Tensor k) {
        int b = q.size(0), lq = q.size(1), h = q.size(2), kd = q.size(3), g = k.size(2), rep = h / g;
        Tensor qg = q.view(b, lq, g, rep, kd).permute(0, 2, 3, 1, 4).reshape(b, g, rep * lq, kd);
        return qg.matmul(k.permute(0, 2, 3, 1));                          // (B, G, kd, Lk) keys
    }

    /** probs (B, G, rep·Lq, Lk) @ v (B, Lk, G, hd) → per-head outputs (B, Lq, H, hd), H = G·rep. */
    static Tensor attend(Tensor probs, Tensor v, int lq) {
        int b = probs.size(0), g = probs.size(1), rep = probs.size(2) / lq, hd = v.size(3);
        Tensor o = probs.matmul(v.permute(0, 2, 1, 3));                   // (B, G, rep·Lq, hd)
        return o.view(b, g, rep, lq, hd).permute(0, 3, 1, 2, 4).reshape(b, lq, g * rep, hd);
    }

    /**
     * Position-relative symbols: out[b,i,h] = Σ_j w[b,h,i,j] · sv[i,j,g(h)] with w (B, G, rep·L, L)
     * and sv (L, L, G·hd), batched over (i, g): (B·rep, L_j) @ (L_j, hd) → (B, L, H, hd).
     */
    static Tensor attendRelative(Tensor w, Tensor sv, int b, int l, int g, int rep, int hd) {
        Tensor a = w.view(b, g, rep, l, l).permute(3, 1, 0, 2, 4).reshape(l * g, b * rep, l);
        Tensor s = sv.view(l, l, g, hd).permute(0, 2, 1, 3).reshape(l * g, l, hd);
        return a.matmul(s).view(l, g, b, rep, hd).permute(2, 0, 1, 3, 4).reshape(b, l, g * rep, hd);
    }

    /** A relation activation applied elementwise (softmax: over the last axis, unmasked). */
    static Tensor activate(Tensor s, Activation activation) {
        return switch (activation) {
            case SOFTMAX -> s.softmax(-1);
            case IDENTITY -> s;
            case RELU -> s.relu();
            case SIGMOID -> s.sigmoid();
            case TANH -> s.tanh();
            case GELU -> s.gelu();
            case SILU -> s.silu();
            case SWIGLU -> throw new IllegalStateException("swiglu is not a relation activation");
        };
    }

    /** Concatenates heads: (B, L, H, hd) → (B, L, H·hd). */
    static Tensor concatHeads(Tensor o) {
        return o.reshape(o.size(0), o.size(1), o.size(2) * o.size(3));
    }
}
