package dev.dat4j.autograd;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;

/**
 * Matrix products on {@code gemm}/{@code gemmBatched}. Transposed and strided operands are passed
 * to the kernel as transpose flags, leading dimensions and batch strides; an operand is copied
 * only when its layout cannot be described that way.
 */
final class MatmulOps {
    private MatmulOps() {}

    /** One GEMM operand: buffer, transpose flag, leading dimension and batch stride (0 = shared). */
    private record Operand(Buffer buffer, boolean trans, int ld, long batchStride) {}

    /**
     * Describes the matrices (rows, cols) in the last two dims of {@code t}, batched over
     * {@code batch} (a broadcast of t's leading dims), or null if the layout needs a copy.
     */
    private static Operand describe(Tensor t, int[] batch) {
        int r = t.dim();
        int rows = t.shape[r - 2], cols = t.shape[r - 1];
        long rs = t.strides[r - 2], cs = t.strides[r - 1];
        boolean trans;
        long ld;
        if (cs == 1 || cols == 1) {
            trans = false;
            ld = rows == 1 ? Math.max(cols, 1) : rs;
            if (ld < Math.max(1, cols)) return null;
        } else if (rs == 1 || rows == 1) {
            trans = true;
            ld = cols == 1 ? Math.max(rows, 1) : cs;
            if (ld < Math.max(1, rows)) return null;
        } else {
            return null;
        }
        // one uniform stride across all broadcast batch dims (0 when t is shared by every batch entry)
        int[] tb = java.util.Arrays.copyOf(t.shape, r - 2);
        long[] bs = Shapes.broadcastStrides(tb, java.util.Arrays.copyOf(t.strides, r - 2), batch);
        long stride = -1, span = 1;
        for (int d = batch.length - 1; d >= 0; d--) {
            if (batch[d] == 1) continue;
            if (stride < 0) stride = bs[d];
            else if (bs[d] != stride * span) return null;
            span *= batch[d];
        }
        if (ld > Integer.MAX_VALUE) return null;
        return new Operand(t.strided(), trans, (int) ld, Math.max(stride, 0));
    }

    private static Operand operand(Tensor t, int[] batch) {
        Operand op = describe(t, batch);
        if (op != null) return op;
        int r = t.dim();
        int[] full = java.util.Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = t.shape[r - 2];
        full[batch.length + 1] = t.shape[r - 1];
        Tensor d = Ops.dense(t.detach().expand(full));
        return describe(d, batch);
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Ops.checkFloat(a, "matmul");
        Ops.checkFloat(b, "matmul");
        Ops.sameBackend(a, b, "matmul");
        if (a.dim() == 0 || b.dim() == 0) {
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
        }
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (b.dim() == 1) return matmul(a, b.unsqueeze(-1)).squeeze(-1);
        int m = a.size(-2), k = a.size(-1), n = b.size(-1);
        if (b.size(-2) != k) {
            throw new IllegalArgumentException("matmul: shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape)
                    + " are incompatible (inner dimensions " + k + " and " + b.size(-2) + ")");
        }
        Tensor out = a.dim() > 2 && b.dim() == 2 ? foldedForward(a, b) : batchedForward(a, b);
        int[] as = a.shape, bs = b.shape;
        return Ops.record(out, "matmul", g -> new Tensor[] {
                a.requiresGrad ? ReduceOps.sumTo(matmul(g, b.t()), as) : null,
                b.requiresGrad ? (a.dim() > 2 && b.dim() == 2
                        ? matmul(a.reshape(-1, k).t(), g.reshape(-1, n))   // Σ over batch as one GEMM
                        : ReduceOps.sumTo(matmul(a.t(), g), bs)) : null}, a, b);
    }

    /** (..., m, k) @ (k, n): the leading dims of a fold into the rows of one GEMM when the layout allows. */
    private static Tensor foldedForward(Tensor a, Tensor b) {
        int k = a.size(-1), n = b.size(-1);
        int rows = Math.toIntExact(a.numel / Math.max(1, k));
        Tensor a2 = a.detach().reshape(rows, k);
        int[] shape = a.shape.clone();
        shape[shape.length - 1] = n;
        Tensor out = Ops.out(shape);
        gemm(a.backend, operand(a2, new int[0]), operand(b, new int[0]), rows, n, k, out.buffer(), 0, 1, 0f);
        return out;
    }

    private static Tensor batchedForward(Tensor a, Tensor b) {
        int m = a.size(-2), k = a.size(-1), n = b.size(-1);
        int[] batch = Shapes.broadcast(java.util.Arrays.copyOf(a.shape, a.dim() - 2), java.util.Arrays.copyOf(b.shape, b.dim() - 2), "matmul");
        int[] shape = java.util.Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        Tensor out = Ops.out(shape);
        int nb = Math.toIntExact(Shapes.numel(batch));
        gemm(a.backend, operand(a, batch), operand(b, batch), m, n, k, out.buffer(), (long) m * n, nb, 0f);
        return out;
    }

    private static void gemm(Backend be, Operand a, Operand b, int m, int n, int k, Buffer c, long strideC, int batch, float beta) {
        if (batch == 1) {
            be.gemm(a.trans, b.trans, m, n, k, 1f, a.buffer, a.ld, b.buffer, b.ld, beta, c, n);
        } else if (batch > 1) {
            be.gemmBatched(a.trans, b.trans, m, n, k, 1f, a.buffer, a.ld, a.batchStride, b.buffer, b.ld, b.batchStride,
                    beta, c, n, strideC, batch);
        }
    }

    /**
     * {@code x @ weightᵀ + bias} with weight (out, in) as in PyTorch's Linear: one GEMM with the
     * bias preloaded into the output (beta = 1); backward is two GEMMs and a row sum.
     */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Ops.checkFloat(x, "linear");
        Ops.checkFloat(weight, "linear");
        if (weight.dim() != 2 || x.dim() < 1 || x.size(-1) != weight.size(1)
                || (bias != null && (bias.dim() != 1 || bias.size(0) != weight.size(0)))) {
            throw new IllegalArgumentException("linear: input " + Shapes.str(x.shape) + ", weight " + Shapes.str(weight.shape)
                    + (bias != null ? ", bias " + Shapes.str(bias.shape) : "") + ": expected input (..., in), weight (out, in), bias (out)");
        }
        int in = weight.size(1), outF = weight.size(0);
        int rows = Math.toIntExact(x.numel / Math.max(1, in));
        Tensor x2 = x.detach().reshape(rows, in);
        int[] shape = x.shape.clone();
        shape[shape.length - 1] = outF;
        Tensor out = Ops.out(shape);
        Backend be = x.backend;
        float beta = 0f;
        if (bias != null) {
            be.copyStrided(new int[] {rows, outF}, bias.strided(), new long[] {0, bias.strides[0]}, out.buffer());
            beta = 1f;
        }
        Operand xa = operand(x2, new int[0]);
        Operand wt = operand(weight.detach().t(), new int[0]);
        gemm(be, xa, wt, rows, outF, in, out.buffer(), 0, 1, beta);
        Tensor[] inputs = bias != null ? new Tensor[] {x, weight, bias} : new Tensor[] {x, weight};
        int[] xs = x.shape;
        return Ops.record(out, "linear", g -> {
            Tensor g2 = Ops.dense(g);
            Tensor[] grads = new Tensor[inputs.length];
            if (x.requiresGrad) {               // dx (rows, in) = g (rows, out) @ W (out, in)
                Tensor dx = Ops.out(xs);
                gemm(be, operand(g2.reshape(rows, outF), new int[0]), operand(weight, new int[0]), rows, in, outF, dx.buffer(), 0, 1, 0f);
                grads[0] = dx;
            }
            if (weight.requiresGrad) {          // dW (out, in) = gᵀ (out, rows) @ x (rows, in)
                Tensor dw = Ops.out(weight.shape);
                gemm(be, operand(g2.reshape(rows, outF).t(), new int[0]), xa, outF, in, rows, dw.buffer(), 0, 1, 0f);
                grads[1] = dw;
            }
            if (bias != null && bias.requiresGrad) {
                Tensor db = Ops.out(bias.shape);
                be.reduce(dev.dat4j.vecops.ReduceOp.SUM, 1, rows, outF, g2.buffer(), db.buffer());
                grads[2] = db;
            }
            return grads;
        }, inputs);
    }
}
