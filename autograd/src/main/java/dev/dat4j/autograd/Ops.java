package dev.dat4j.autograd;

/** Small helpers shared by the op families: output allocation, dense copies, graph recording. */
final class Ops {
    private Ops() {}

    /** A new dense tensor of {@code shape} in the current scope (uninitialised). */
    static Tensor out(DType dtype, int[] shape) {
        return Tensor.empty(Scope.current(), dtype, shape);
    }

    static Tensor out(int[] shape) {
        return Tensor.empty(Scope.current(), DType.F32, shape);
    }

    /** {@code t} itself if dense, else a dense copy (not recorded: callers record {@code t} as the input). */
    static Tensor dense(Tensor t) {
        if (t.contiguous) return t;
        Tensor d = out(t.dtype, t.shape);
        t.backend.copyStrided(t.shape, t.strided(), t.strides, d.buffer());
        return d;
    }

    static boolean needsGrad(Tensor a) {
        return a.requiresGrad && ThreadContext.get().gradEnabled;
    }

    static boolean needsGrad(Tensor a, Tensor b) {
        return (a.requiresGrad || b.requiresGrad) && ThreadContext.get().gradEnabled;
    }

    static boolean needsGrad(Tensor... ts) {
        for (Tensor t : ts) {
            if (t != null && t.requiresGrad) return ThreadContext.get().gradEnabled;
        }
        return false;
    }

    /** Attaches the backward rule to {@code out} if any input needs a gradient; returns {@code out}. */
    static Tensor record(Tensor out, String op, Backward backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            out.requiresGrad = true;
            out.gradFn = new Node(op, inputs, backward);
        }
        return out;
    }

    static void checkFloat(Tensor t, String op) {
        if (t.dtype != DType.F32) throw new IllegalArgumentException(op + ": expected a float tensor, got " + t.dtype + " of shape " + Shapes.str(t.shape));
    }

    static void checkInt(Tensor t, String op, String what) {
        if (t.dtype != DType.I32) throw new IllegalArgumentException(op + ": " + what + " must be an int32 tensor, got " + t.dtype + " of shape " + Shapes.str(t.shape));
    }

    static void sameBackend(Tensor a, Tensor b, String op) {
        if (a.backend != b.backend) {
            throw new IllegalArgumentException(op + ": tensors live on different backends (" + a.backend.name() + ", " + b.backend.name() + ")");
        }
    }

    /** Product of shape[from..to). */
    static long prod(int[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }
}
