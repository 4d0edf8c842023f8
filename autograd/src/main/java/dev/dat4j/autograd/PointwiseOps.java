package dev.dat4j.autograd;

import dev.dat4j.vecops.BinaryOp;
import dev.dat4j.vecops.UnaryOp;

import java.util.Arrays;

/**
 * Elementwise ops. Binary ops broadcast through the kernel's per-operand strides (no copies of
 * broadcast or strided operands); their gradients are reduced back to each input's shape.
 */
final class PointwiseOps {
    private PointwiseOps() {}

    /** out = op(a, b) with broadcasting (not recorded). */
    static Tensor binary(BinaryOp op, Tensor a, Tensor b, String name) {
        Ops.checkFloat(a, name);
        Ops.checkFloat(b, name);
        Ops.sameBackend(a, b, name);
        int[] shape = Arrays.equals(a.shape, b.shape) ? a.shape : Shapes.broadcast(a.shape, b.shape, name);
        Tensor out = Ops.out(shape);
        a.backend.binary(op, shape, a.strided(), Shapes.broadcastStrides(a.shape, a.strides, shape),
                b.strided(), Shapes.broadcastStrides(b.shape, b.strides, shape), out.buffer());
        return out;
    }

    static Tensor add(Tensor a, Tensor b) {
        int[] as = a.shape, bs = b.shape;
        return Ops.record(binary(BinaryOp.ADD, a, b, "add"), "add", g -> new Tensor[] {
                a.requiresGrad ? ReduceOps.sumTo(g, as) : null,
                b.requiresGrad ? ReduceOps.sumTo(g, bs) : null}, a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        int[] as = a.shape, bs = b.shape;
        return Ops.record(binary(BinaryOp.SUB, a, b, "sub"), "sub", g -> new Tensor[] {
                a.requiresGrad ? ReduceOps.sumTo(g, as) : null,
                b.requiresGrad ? ReduceOps.sumTo(g, bs).neg() : null}, a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        return Ops.record(binary(BinaryOp.MUL, a, b, "mul"), "mul", g -> new Tensor[] {
                a.requiresGrad ? ReduceOps.sumTo(g.mul(b), a.shape) : null,
                b.requiresGrad ? ReduceOps.sumTo(g.mul(a), b.shape) : null}, a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary(BinaryOp.DIV, a, b, "div");
        return Ops.record(out, "div", g -> new Tensor[] {
                a.requiresGrad ? ReduceOps.sumTo(g.div(b), a.shape) : null,
                // d(a/b)/db = −a/b² = −out/b
                b.requiresGrad ? ReduceOps.sumTo(g.mul(out).div(b), b.shape).neg() : null}, a, b);
    }

    /** alpha·x + beta: the scalar variants of add/sub/mul/div. */
    static Tensor affine(Tensor x, float alpha, float beta, String name) {
        Ops.checkFloat(x, name);
        Tensor xd = Ops.dense(x);
        Tensor out = Ops.out(x.shape);
        x.backend.affine(x.numel, xd.buffer(), alpha, beta, out.buffer());
        return Ops.record(out, name, g -> new Tensor[] {alpha == 1f ? g : g.mul(alpha)}, x);
    }

    static Tensor unary(Tensor x, UnaryOp op) {
        String name = op.name().toLowerCase();
        Ops.checkFloat(x, name);
        Tensor xd = Ops.dense(x);
        Tensor y = Ops.out(x.shape);
        x.backend.unary(op, x.numel, xd.buffer(), y.buffer());
        return Ops.record(y, name, g -> {
            Tensor dx = Ops.out(xd.shape);
            x.backend.unaryBackward(op, x.numel, xd.buffer(), y.buffer(), Ops.dense(g).buffer(), dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    static Tensor pow(Tensor x, float p) {
        Ops.checkFloat(x, "pow");
        Tensor xd = Ops.dense(x);
        Tensor y = Ops.out(x.shape);
        x.backend.pow(x.numel, xd.buffer(), p, y.buffer());
        // d(x^p)/dx = p·x^(p−1)
        return Ops.record(y, "pow", g -> new Tensor[] {g.mul(pow(xd, p - 1f).mul(p))}, x);
    }

    /** 1.0 / 0.0 comparison results; not differentiable. */
    static Tensor compare(Tensor a, Tensor b, BinaryOp op) {
        return binary(op, a, b, op.name().toLowerCase());
    }

    /** A dense copy of {@code t} broadcast to {@code shape} (not recorded). */
    private static Tensor denseAs(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape, shape)) return Ops.dense(t);
        Tensor d = Ops.out(t.dtype, shape);
        t.backend.copyStrided(shape, t.strided(), Shapes.broadcastStrides(t.shape, t.strides, shape), d.buffer());
        return d;
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Ops.checkFloat(cond, "where");
        Ops.checkFloat(a, "where");
        Ops.checkFloat(b, "where");
        int[] shape = Shapes.broadcast(Shapes.broadcast(cond.shape, a.shape, "where"), b.shape, "where");
        Tensor c = denseAs(cond, shape);
        Tensor out = Ops.out(shape);
        long n = out.numel;
        a.backend.where(n, c.buffer(), denseAs(a, shape).buffer(), denseAs(b, shape).buffer(), out.buffer());
        return Ops.record(out, "where", g -> {
            Tensor gd = Ops.dense(g), zero = Tensor.zeros(shape);
            Tensor ga = null, gb = null;
            if (a.requiresGrad) {
                ga = Ops.out(shape);
                a.backend.where(n, c.buffer(), gd.buffer(), zero.buffer(), ga.buffer());
                ga = ReduceOps.sumTo(ga, a.shape);
            }
            if (b.requiresGrad) {
                gb = Ops.out(shape);
                a.backend.where(n, c.buffer(), zero.buffer(), gd.buffer(), gb.buffer());
                gb = ReduceOps.sumTo(gb, b.shape);
            }
            return new Tensor[] {null, ga, gb};
        }, cond, a, b);
    }

    static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        Ops.checkFloat(x, "maskedFill");
        Ops.checkFloat(mask, "maskedFill");
        int[] shape = Shapes.broadcast(x.shape, mask.shape, "maskedFill");
        if (!Arrays.equals(shape, x.shape)) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + Shapes.str(mask.shape) + " does not broadcast to " + Shapes.str(x.shape));
        }
        Tensor m = denseAs(mask, shape);
        Tensor fill = Tensor.full(value, shape);
        Tensor out = Ops.out(shape);
        x.backend.where(out.numel, m.buffer(), fill.buffer(), Ops.dense(x).buffer(), out.buffer());
        return Ops.record(out, "maskedFill", g -> {
            Tensor gx = Ops.out(shape);
            x.backend.where(gx.numel, m.buffer(), Tensor.zeros(shape).buffer(), Ops.dense(g).buffer(), gx.buffer());
            return new Tensor[] {gx};
        }, x);
    }
}
