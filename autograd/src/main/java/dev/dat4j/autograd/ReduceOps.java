package dev.dat4j.autograd;

import dev.dat4j.vecops.ReduceOp;

import java.util.Arrays;

/**
 * Reductions over dimensions (sum, mean, max, var, argmax) and {@link #sumTo}, the reduction that
 * undoes broadcasting in backward rules. The kernel reduces the middle axis of an
 * (outer, n, inner) view, so each run of adjacent reduced dimensions costs one kernel call.
 */
final class ReduceOps {
    private ReduceOps() {}

    /** Sorted, de-duplicated, normalised dims; null means all. */
    private static boolean[] reducedMask(Tensor x, int[] dims, String op) {
        boolean[] red = new boolean[x.dim()];
        if (dims == null) Arrays.fill(red, true);
        else for (int d : dims) red[Shapes.dim(d, x.dim(), op)] = true;
        return red;
    }

    /** Reduction kernel over the masked dims of dense {@code x} (not recorded). Result keeps size-1 dims. */
    private static Tensor reduceKeep(ReduceOp op, Tensor x, boolean[] red) {
        Tensor cur = Ops.dense(x);
        int[] shape = x.shape.clone();
        int d = shape.length - 1;
        while (d >= 0) {
            if (!red[d] || shape[d] == 1) {
                d--;
                continue;
            }
            int end = d;                        // a run of reduced dims [start, end]
            while (d - 1 >= 0 && red[d - 1]) d--;
            int start = d;
            long outer = Ops.prod(shape, 0, start), n = Ops.prod(shape, start, end + 1), inner = Ops.prod(shape, end + 1, shape.length);
            for (int k = start; k <= end; k++) shape[k] = 1;
            Tensor next = Ops.out(shape);
            x.backend.reduce(op, Math.toIntExact(outer), Math.toIntExact(n), Math.toIntExact(inner), cur.buffer(), next.buffer());
            cur = next;
            d--;
        }
        if (cur == x) cur = Ops.dense(x).detach(); // nothing reduced: still a distinct result
        return cur;
    }

    private static int[] dropReduced(int[] keepShape, boolean[] red) {
        int n = 0;
        for (boolean r : red) if (!r) n++;
        int[] out = new int[n];
        for (int i = 0, j = 0; i < keepShape.length; i++) if (!red[i]) out[j++] = keepShape[i];
        return out;
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        return reduce(ReduceOp.SUM, x, dims, keepdim, "sum");
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        return reduce(ReduceOp.MEAN, x, dims, keepdim, "mean");
    }

    private static Tensor reduce(ReduceOp op, Tensor x, int[] dims, boolean keepdim, String name) {
        Ops.checkFloat(x, name);
        boolean[] red = reducedMask(x, dims, name);
        Tensor kept = reduceKeep(op, x, red);
        int[] keepShape = kept.shape;
        Tensor out = keepdim ? kept : kept.detach().reshape(dropReduced(keepShape, red));
        long count = x.numel / Math.max(1, kept.numel);
        int[] inShape = x.shape;
        return Ops.record(out, name, g -> {
            Tensor gk = g.reshape(keepShape);
            if (op == ReduceOp.MEAN) gk = gk.mul(1f / count);
            return new Tensor[] {gk.expand(inShape)};
        }, x);
    }

    /** Sums {@code g} (shaped like a broadcast of {@code shape}) back down to {@code shape}. */
    static Tensor sumTo(Tensor g, int[] shape) {
        if (Arrays.equals(g.shape, shape)) return g;
        int lead = g.dim() - shape.length;
        boolean[] red = new boolean[g.dim()];
        for (int i = 0; i < g.dim(); i++) red[i] = i < lead || (shape[i - lead] == 1 && g.shape[i] != 1);
        Tensor kept = reduceKeep(ReduceOp.SUM, g, red);
        return kept.reshape(shape);
    }

    /** Max along one dim; the gradient goes to the first maximal element (like PyTorch's max(dim)). */
    static Tensor max(Tensor x, int dim, boolean keepdim) {
        Ops.checkFloat(x, "max");
        int d = Shapes.dim(dim, x.dim(), "max");
        if (d != x.dim() - 1) {
            Tensor m = max(x.transpose(d, -1), -1, true).transpose(d, -1);
            return keepdim ? m : m.squeeze(d);
        }
        int n = x.shape[d];
        int outer = Math.toIntExact(x.numel / Math.max(1, n));
        Tensor xd = Ops.dense(x);
        Tensor idx = Ops.out(DType.I32, new int[] {outer});
        x.backend.argmax(outer, n, 1, xd.buffer(), idx.buffer());
        int[] keepShape = x.shape.clone();
        keepShape[d] = 1;
        Tensor y = Ops.out(keepShape);
        x.backend.gather(outer, n, 1, xd.buffer(), idx.buffer(), y.buffer());
        Tensor out = keepdim ? y : y.detach().squeeze(d);
        int[] inShape = x.shape;
        return Ops.record(out, "max", g -> {
            Tensor dx = Ops.out(inShape);
            x.backend.gatherBackward(outer, n, 1, idx.buffer(), Ops.dense(g).buffer(), dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }

    /** Variance along {@code dim} (composite: its gradient comes from mean, sub, square, sum). */
    static Tensor var(Tensor x, int dim, boolean unbiased, boolean keepdim) {
        int d = Shapes.dim(dim, x.dim(), "var");
        int n = x.shape[d];
        Tensor centered = x.sub(x.mean(d, true));
        return centered.square().sum(d, keepdim).div(unbiased ? n - 1 : n);
    }

    static Tensor argmax(Tensor x, int dim, boolean keepdim) {
        Ops.checkFloat(x, "argmax");
        int d = Shapes.dim(dim, x.dim(), "argmax");
        int[] keepShape = x.shape.clone();
        keepShape[d] = 1;
        Tensor idx = Ops.out(DType.I32, keepShape);
        x.backend.argmax(Math.toIntExact(Ops.prod(x.shape, 0, d)), x.shape[d], Math.toIntExact(Ops.prod(x.shape, d + 1, x.dim())),
                Ops.dense(x).buffer(), idx.buffer());
        return keepdim ? idx : idx.squeeze(d);
    }
}
