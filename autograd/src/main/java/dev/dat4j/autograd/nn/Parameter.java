package dev.dat4j.autograd.nn;

import dev.dat4j.autograd.DType;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;

/**
 * A learnable tensor of a {@link Module}: a dense float leaf that requires grad. It lives in the
 * scope that was current when it was created (the model scope), and so do its {@code .grad} and
 * the optimizer's state for it.
 */
public final class Parameter extends Tensor {

    /** Wraps {@code data} (a dense float leaf, usually freshly created) as a parameter. */
    public Parameter(Tensor data) {
        super(check(data));
        requiresGrad_(true);
    }

    private static Tensor check(Tensor data) {
        if (data.dtype() != DType.F32 || !data.isContiguous() || !data.isLeaf()) {
            throw new IllegalArgumentException("a parameter must be a dense float leaf tensor, got " + data);
        }
        return data;
    }

    /** A parameter of {@code shape} in the current scope, zero-initialised. */
    public static Parameter zeros(int... shape) {
        return new Parameter(Tensor.empty(Scope.current(), DType.F32, shape).zero_());
    }

    @Override
    public String toString() {
        return "Parameter(shape=" + java.util.Arrays.toString(shape()) + ")";
    }
}
