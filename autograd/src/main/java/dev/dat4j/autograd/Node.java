package dev.dat4j.autograd;

import java.util.List;

/**
 * The op that produced a tensor (PyTorch's {@code grad_fn}): its name, its inputs and its backward
 * rule, which captures whatever the rule needs from the forward pass.
 */
public final class Node {
    final String op;
    final Tensor[] inputs;
    final Backward backward;

    Node(String op, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    /** Op name, e.g. {@code "matmul"}. */
    public String op() {
        return op;
    }

    /** The op's inputs. */
    public List<Tensor> inputs() {
        return List.of(inputs);
    }

    @Override
    public String toString() {
        return op + "Backward";
    }
}
