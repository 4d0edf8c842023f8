package dev.dat4j.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backward pass: an iterative depth-first topological sort of the graph (transformer graphs
 * are too deep for recursion), then each node's rule in reverse order, summing the gradient
 * contributions of every tensor before its own rule runs.
 *
 * <p>Leaf gradients are accumulated ({@code +=}) into {@link Tensor#grad()}, which is allocated on
 * first use in the leaf's own scope (for parameters: the model scope, so it survives the step).
 * Intermediate gradients live in the current scope and are dropped after use.
 */
final class Autograd {
    private static final AtomicInteger PASS = new AtomicInteger();

    private Autograd() {}

    static void backward(Tensor root, Tensor gradient) {
        if (!root.requiresGrad) {
            throw new IllegalStateException("backward(): the tensor does not require grad (no input requires grad, "
                    + "or it was computed with gradient recording off)");
        }
        if (gradient == null && root.numel != 1) {
            throw new IllegalArgumentException("backward() without a gradient needs a scalar, got shape " + Shapes.str(root.shape));
        }
        if (gradient != null && !Arrays.equals(gradient.shape, root.shape)) {
            throw new IllegalArgumentException("backward(): gradient shape " + Shapes.str(gradient.shape)
                    + " does not match tensor shape " + Shapes.str(root.shape));
        }
        try (var ng = GradMode.noGrad()) {
            ArrayList<Tensor> order = topologicalOrder(root);
            root.pendingGrad = gradient != null ? gradient : Tensor.full(1f, root.shape);
            root.pendingOwned = false;
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = t.pendingGrad;
                t.pendingGrad = null;
                if (g == null) continue;
                Node node = t.gradFn;
                if (node == null) {
                    accumulateLeaf(t, g);
                    continue;
                }
                Tensor[] grads = node.backward.apply(g);
                Tensor[] inputs = node.inputs;
                for (int k = 0; k < inputs.length; k++) {
                    Tensor in = inputs[k];
                    if (in == null || !in.requiresGrad || grads[k] == null) continue;
                    if (!Arrays.equals(grads[k].shape, in.shape)) {
                        throw new IllegalStateException("backward of " + node.op + " produced a gradient of shape "
                                + Shapes.str(grads[k].shape) + " for input " + k + " of shape " + Shapes.str(in.shape));
                    }
                    addPending(in, grads[k]);
                }
            }
        }
    }

    /** Post-order (inputs before the tensors computed from them) of everything that needs a gradient. */
    private static ArrayList<Tensor> topologicalOrder(Tensor root) {
        int mark = PASS.incrementAndGet();
        ArrayList<Tensor> order = new ArrayList<>();
        Tensor[] stack = new Tensor[64];
        int[] next = new int[64];
        int sp = 0;
        stack[sp] = root;
        next[sp++] = 0;
        root.visitMark = mark;
        while (sp > 0) {
            Tensor t = stack[sp - 1];
            Node node = t.gradFn;
            if (node != null && next[sp - 1] < node.inputs.length) {
                Tensor in = node.inputs[next[sp - 1]++];
                if (in != null && in.requiresGrad && in.visitMark != mark) {
                    in.visitMark = mark;
                    if (sp == stack.length) {
                        stack = Arrays.copyOf(stack, sp * 2);
                        next = Arrays.copyOf(next, sp * 2);
                    }
                    stack[sp] = in;
                    next[sp++] = 0;
                }
            } else {
                order.add(t);
                sp--;
            }
        }
        return order;
    }

    /** Sums a gradient contribution into the pending gradient of {@code t} (copy-on-write: contributions may be shared). */
    private static void addPending(Tensor t, Tensor g) {
        Tensor p = t.pendingGrad;
        if (p == null) {
            t.pendingGrad = g;
            t.pendingOwned = false;
        } else if (t.pendingOwned) {
            t.backend.axpy(t.numel, 1f, Ops.dense(g).buffer(), p.buffer());
        } else {
            t.pendingGrad = PointwiseOps.add(p, g);
            t.pendingOwned = true;
        }
    }

    /** {@code leaf.grad += g}; the first time, allocates {@code grad} in the leaf's scope. */
    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        if (leaf.grad == null) {
            Scope owner = leaf.scope != null && leaf.scope.isOpen() ? leaf.scope : Scope.current();
            Tensor grad = Tensor.empty(owner, DType.F32, leaf.shape);
            if (g.contiguous) leaf.backend.copy(g.buffer(), grad.buffer(), leaf.numel);
            else leaf.backend.copyStrided(g.shape, g.strided(), g.strides, grad.buffer());
            leaf.grad = grad;
        } else {
            leaf.backend.axpy(leaf.numel, 1f, Ops.dense(g).buffer(), leaf.grad.buffer());
        }
    }
}
