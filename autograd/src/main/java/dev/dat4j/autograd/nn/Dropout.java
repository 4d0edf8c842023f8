package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;

/** Inverted dropout, active only in training mode; each call draws its mask seed from the generator. */
public final class Dropout extends Layer {
    private final float p;
    private final Generator gen;

    public Dropout(float p, Generator gen) {
        if (p < 0f || p > 1f) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        this.p = p;
        this.gen = gen;
    }

    public Dropout(float p) {
        this(p, Generator.defaultGenerator());
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.dropout(x, p, isTraining(), gen);
    }

    public float p() {
        return p;
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
