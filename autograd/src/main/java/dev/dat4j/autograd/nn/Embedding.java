package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;

/** A lookup table (num, dim) indexed by int32 ids, as {@code nn.Embedding}; weight ~ N(0, 1). */
public final class Embedding extends Layer {
    private final Parameter weight;

    public Embedding(int num, int dim, Generator gen) {
        this.weight = registerParameter("weight", Parameter.zeros(num, dim));
        Init.normal_(weight, 0, 1, gen);
    }

    /** ids int32 (...) → (..., dim). */
    @Override
    public Tensor forward(Tensor ids) {
        return F.embedding(ids, weight);
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public String toString() {
        return "Embedding(" + weight.size(0) + ", " + weight.size(1) + ")";
    }
}
