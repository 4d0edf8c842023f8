package dev.dat4j.autograd;

import dev.dat4j.vecops.Buffer;

/** LayerNorm and RMSNorm over the last dim, each one fused kernel forward and one backward. */
final class NormOps {
    private NormOps() {}

    private static void checkParam(Tensor p, int cols, String op, String what, Tensor x) {
        if (p != null && (p.dim() != 1 || p.size(0) != cols)) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + Shapes.str(p.shape) + " does not match input " + Shapes.str(x.shape)
                    + " (expected (" + cols + "))");
        }
    }

    private static Buffer buf(Tensor t) {
        return t == null ? null : Ops.dense(t).buffer();
    }

    /** x (..., C); weight, bias (C) or null. */
    static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        Ops.checkFloat(x, "layerNorm");
        int cols = x.size(-1);
        checkParam(weight, cols, "layerNorm", "weight", x);
        checkParam(bias, cols, "layerNorm", "bias", x);
        int rows = Math.toIntExact(x.numel / Math.max(1, cols));
        Tensor xd = Ops.dense(x);
        Tensor y = Ops.out(x.shape), mean = Ops.out(new int[] {rows}), rstd = Ops.out(new int[] {rows});
        x.backend.layerNorm(rows, cols, xd.buffer(), buf(weight), buf(bias), eps, y.buffer(), mean.buffer(), rstd.buffer());
        return Ops.record(y, "layerNorm", g -> {
            Tensor dx = Ops.out(x.shape);
            Tensor dw = weight != null && weight.requiresGrad ? Ops.out(weight.shape) : null;
            Tensor db = bias != null && bias.requiresGrad ? Ops.out(bias.shape) : null;
            x.backend.layerNormBackward(rows, cols, xd.buffer(), buf(weight), mean.buffer(), rstd.buffer(), Ops.dense(g).buffer(),
                    dx.buffer(), buf(dw), buf(db));
            return new Tensor[] {dx, dw, db};
        }, x, weight, bias);
    }

    /** x (..., C); weight (C) or null. */
    static Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        Ops.checkFloat(x, "rmsNorm");
        int cols = x.size(-1);
        checkParam(weight, cols, "rmsNorm", "weight", x);
        int rows = Math.toIntExact(x.numel / Math.max(1, cols));
        Tensor xd = Ops.dense(x);
        Tensor y = Ops.out(x.shape), rstd = Ops.out(new int[] {rows});
        x.backend.rmsNorm(rows, cols, xd.buffer(), buf(weight), eps, y.buffer(), rstd.buffer());
        return Ops.record(y, "rmsNorm", g -> {
            Tensor dx = Ops.out(x.shape);
            Tensor dw = weight != null && weight.requiresGrad ? Ops.out(weight.shape) : null;
            x.backend.rmsNormBackward(rows, cols, xd.buffer(), buf(weight), rstd.buffer(), Ops.dense(g).buffer(), dx.buffer(), buf(dw));
            return new Tensor[] {dx, dw};
        }, x, weight);
    }
}
