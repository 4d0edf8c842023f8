package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;

/**
 * Parameter initialisers with PyTorch's formulas ({@code torch.nn.init}); values are drawn on the
 * host from a {@link Generator} and written once. Each fills a dense tensor in place and returns it.
 */
public final class Init {
    private Init() {}

    private static Tensor write(Tensor t, float[] v) {
        t.backend().write(t.buffer(), v);
        return t;
    }

    /** U(lo, hi). */
    public static Tensor uniform_(Tensor t, double lo, double hi, Generator gen) {
        float[] v = new float[Math.toIntExact(t.numel())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * gen.nextDouble());
        return write(t, v);
    }

    /** N(mean, std²). */
    public static Tensor normal_(Tensor t, double mean, double std, Generator gen) {
        float[] v = new float[Math.toIntExact(t.numel())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (mean + std * gen.nextGaussian());
        return write(t, v);
    }

    public static Tensor constant_(Tensor t, float value) {
        return t.fill_(value);
    }

    public static Tensor zeros_(Tensor t) {
        return t.fill_(0f);
    }

    public static Tensor ones_(Tensor t) {
        return t.fill_(1f);
    }

    /** fan_in = size(1)·receptive field, as PyTorch computes it for a weight (out, in, ...). */
    public static int fanIn(Tensor t) {
        if (t.dim() < 2) throw new IllegalArgumentException("fan in/out needs a tensor of at least 2 dims, got " + t);
        return Math.toIntExact(t.numel() / t.size(0));
    }

    /** fan_out = size(0)·receptive field. */
    public static int fanOut(Tensor t) {
        if (t.dim() < 2) throw new IllegalArgumentException("fan in/out needs a tensor of at least 2 dims, got " + t);
        return Math.toIntExact(t.numel() / t.size(1));
    }

    /**
     * Kaiming-uniform with leaky-ReLU slope {@code a} over fan_in: bound = √(2/(1+a²))·√(3/fan_in).
     * With a = √5 (PyTorch's Linear default) the bound is 1/√fan_in.
     */
    public static Tensor kaimingUniform_(Tensor t, double a, Generator gen) {
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double bound = gain * Math.sqrt(3.0 / fanIn(t));
        return uniform_(t, -bound, bound, gen);
    }

    /** Xavier/Glorot uniform: bound = gain·√(6/(fan_in + fan_out)). */
    public static Tensor xavierUniform_(Tensor t, double gain, Generator gen) {
        double bound = gain * Math.sqrt(6.0 / (fanIn(t) + fanOut(t)));
        return uniform_(t, -bound, bound, gen);
    }
}
