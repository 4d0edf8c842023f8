package dev.dat4j.autograd;

/** Dropout and rotary position embedding: one kernel forward, the same kernel (mirrored) backward. */
final class NoiseOps {
    private NoiseOps() {}

    /**
     * Inverted dropout. The mask is never stored: the kernel's counter-based RNG regenerates it from
     * the seed drawn here from {@code gen}, so backward applies the identical mask to the gradient.
     */
    static Tensor dropout(Tensor x, float p, boolean training, Generator gen) {
        Ops.checkFloat(x, "dropout");
        if (p < 0f || p > 1f) throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        if (!training || p == 0f) return x;
        long seed = gen.nextLong();
        Tensor y = Ops.out(x.shape);
        x.backend.dropout(x.numel, Ops.dense(x).buffer(), p, seed, y.buffer());
        return Ops.record(y, "dropout", g -> {
            Tensor dx = Ops.out(y.shape);
            x.backend.dropout(y.numel, Ops.dense(g).buffer(), p, seed, dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    /** Interleaved RoPE of x (B, T, H, D) with tables cos, sin (≥ T, D/2); the tables get no gradient. */
    static Tensor rope(Tensor x, Tensor cos, Tensor sin) {
        Ops.checkFloat(x, "rope");
        if (x.dim() != 4 || x.size(3) % 2 != 0 || cos.dim() != 2 || sin.dim() != 2 || cos.size(1) != x.size(3) / 2
                || sin.size(1) != x.size(3) / 2 || cos.size(0) < x.size(1) || sin.size(0) < x.size(1)) {
            throw new IllegalArgumentException("rope: input " + Shapes.str(x.shape) + ", cos " + Shapes.str(cos.shape) + ", sin " + Shapes.str(sin.shape)
                    + ": expected input (B, T, H, D) with D even and tables (>= T, D/2)");
        }
        int b = x.size(0), t = x.size(1), h = x.size(2), d = x.size(3);
        Tensor c = Ops.dense(cos), s = Ops.dense(sin);
        Tensor y = Ops.out(x.shape);
        x.backend.rope(b, t, h, d, Ops.dense(x).buffer(), c.buffer(), s.buffer(), false, y.buffer());
        return Ops.record(y, "rope", g -> {
            Tensor dx = Ops.out(y.shape);
            x.backend.rope(b, t, h, d, Ops.dense(g).buffer(), c.buffer(), s.buffer(), true, dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    /**
     * RoPE tables for positions 0..seq−1 and head dim {@code dim}: angle(t, k) = t·base^(−2k/dim),
     * returned as {cos, sin}, each (seq, dim/2).
     */
    static Tensor[] ropeTables(int seq, int dim, double base) {
        int half = dim / 2;
        float[] c = new float[seq * half], s = new float[seq * half];
        for (int t = 0; t < seq; t++) {
            for (int k = 0; k < half; k++) {
                double angle = t * Math.pow(base, -2.0 * k / dim);
                c[t * half + k] = (float) Math.cos(angle);
                s[t * half + k] = (float) Math.sin(angle);
            }
        }
        return new Tensor[] {Tensor.of(c, seq, half), Tensor.of(s, seq, half)};
    }
}
