package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.Tensor;

/** A module with one tensor input and one tensor output (what {@link Sequential} chains). */
public abstract class Layer extends Module {
    public abstract Tensor forward(Tensor x);
}
