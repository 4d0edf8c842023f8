package dev.dat4j.autograd;

/**
 * The backward rule of one op application: given the gradient of the op's output, returns the
 * gradient of each input (same order as the inputs; null for an input that needs none). Runs with
 * gradient recording off, so rules are written with ordinary tensor ops or direct kernel calls.
 */
@FunctionalInterface
public interface Backward {
    Tensor[] apply(Tensor gradOutput);
}
