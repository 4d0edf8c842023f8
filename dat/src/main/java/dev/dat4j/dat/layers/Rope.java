package dev.dat4j.dat.layers;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Tensor;

/**
 * Rotary position tables (dat-spec §2.4) for head width {@code dim} and positions 0…length−1,
 * {@code cos} and {@code sin} of shape (length, dim/2); rotation pairs are interleaved (LLaMA style).
 *
 * <p>The tables are computed the way the reference computes them, in float32 arithmetic
 * ({@code freq_k = 1 / 10000^(2k/dim)}, {@code angle = p·freq_k}), so long sequences rotate by
 * exactly the same (rounded) angles as a PyTorch checkpoint was trained with.
 */
public record Rope(Tensor cos, Tensor sin) {

    /** Tables in the current scope. */
    public static Rope tables(int dim, int length) {
        if (dim <= 0 || dim % 2 != 0) throw new IllegalArgumentException("RoPE needs an even head dim, got " + dim);
        int half = dim / 2;
        float[] freq = new float[half];
        for (int k = 0; k < half; k++) {
            float exponent = (float) (2 * k) / (float) dim;
            freq[k] = 1.0f / (float) Math.pow(10000.0f, exponent);
        }
        float[] c = new float[length * half], s = new float[length * half];
        for (int p = 0; p < length; p++) {
            for (int k = 0; k < half; k++) {
                float angle = (float) p * freq[k];
                c[p * half + k] = (float) Math.cos(angle);
                s[p * half + k] = (float) Math.sin(angle);
            }
        }
        return new Rope(Tensor.of(c, length, half), Tensor.of(s, length, half));
    }

    /** Rotates x (B, T, heads, dim) by the positions 0…T−1. */
    public Tensor apply(Tensor x) {
        return F.rope(x, cos, sin);
    }

    public int length() {
        return cos.size(0);
    }
}
