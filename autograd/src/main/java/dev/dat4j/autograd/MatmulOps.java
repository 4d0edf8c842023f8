package dev.dat4j.autograd;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Buffer;

import java.util.Arrays;

/**
 * Matrix products on {@code gemm}/{@code gemmBatched}. Transposed and strided operands are passed
 * to the kernel as transpose flags, leading dimensions and batch strides; an operand is copied
 * only when its layout cannot be described that way.
 */
final class MatmulOps {
    private static final int[] NO_BATCH = new int[0];

    private MatmulOps() {}

    /**
     * One GEMM operand: a tensor whose last two dims are a (rows, cols) matrix stored either
     * row-major (ld = row stride) or transposed (ld = column stride), with its batch strides
     * broadcast to the batch shape of the product (0 along broadcast dims).
     */
    private record Operand(Tensor t, boolean trans, int ld, long[] batchStrides) {}

    /** The operand for {@code t}, batched over {@code batch}; copies t only if its matrix layout has no ld. */
    private static Operand operand(Tensor t, int[] batch) {
        int r = t.dim();
        int rows = t.shape[r - 2], cols = t.shape[r - 1];
        long rs = t.strides[r - 2], cs = t.strides[r - 1];
        boolean trans;
        long ld;
        if (cs == 1 || cols == 1) {
            trans = false;
            ld = rows == 1 ? Math.max(cols, 1) : rs;
            if (ld < Math.max(1, cols)) return operand(Ops.dense(t), batch);
        } else if (rs == 1 || rows == 1) {
            trans = true;
            ld = cols == 1 ? Math.max(rows, 1) : cs;
            if (ld < Math.max(1, rows)) return operand(Ops.dense(t), batch);
        } else {
            return operand(Ops.dense(t), batch);
        }
        if (ld > Integer.MAX_VALUE) return operand(Ops.dense(t), batch);
        long[] bs = Shapes.broadcastStrides(Arrays.copyOf(t.shape, r - 2), Arrays.copyOf(t.strides, r - 2), batch);
        return new Operand(t, trans, (int) ld, bs);
    }

    /** Whether {@link #operand} can pass t's matrices to the kernel without a copy (rows or columns have unit stride). */
    static boolean hasMatrixLayout(Tensor t) {
        int r = t.dim();
        if (r < 2) return t.contiguous;
        int rows = t.shape[r - 2], cols = t.shape[r - 1];
        long rs = t.strides[r - 2], cs = t.strides[r - 1];
        if (cs == 1 || cols == 1) return (rows == 1 ? Math.max(cols, 1) : rs) >= Math.max(1, cols) && rs <= Integer.MAX_VALUE;
        if (rs == 1 || rows == 1) return (cols == 1 ? Math.max(rows, 1) : cs) >= Math.max(1, rows) && cs <= Integer.MAX_VALUE;
        return false;
    }

    /** The single stride that walks batch dims [from, end) in row-major order, 0 if all broadcast, or -1 if none does. */
    private static long uniformStride(long[] strides, int[] batch, int from) {
        long stride = -1, span = 1;
        for (int d = batch.length - 1; d >= from; d--) {
            if (batch[d] == 1) continue;
            if (stride < 0) stride = strides[d];
            else if (strides[d] != stride * span) return -1;
            span *= batch[d];
        }
        return Math.max(stride, 0);
    }

    /**
     * C = A·B over the batch, C any tensor of shape (batch..., m, n) whose rows are dense (e.g. a
     * permuted view). The longest suffix of batch dims that A, B and C each walk with one stride
     * becomes one {@code gemmBatched} call; the remaining leading dims (e.g. B when attention heads
     * are a permuted view) are looped over. No operand is copied.
     */
    private static void gemm(Operand a, Operand b, int m, int n, int k, Tensor c, int[] batch, float beta) {
        Backend be = c.backend;
        int r = c.dim();
        long ldc = m == 1 ? n : c.strides[r - 2];
        if ((n > 1 && c.strides[r - 1] != 1) || ldc < n) throw new IllegalStateException("gemm output rows must be dense, got strides " + Arrays.toString(c.strides));
        long[] sc = Arrays.copyOf(c.strides, batch.length);
        int split = 0;
        while (split < batch.length && (uniformStride(a.batchStrides, batch, split) < 0 || uniformStride(b.batchStrides, batch, split) < 0
                || uniformStride(sc, batch, split) < 0)) split++;
        long strideA = uniformStride(a.batchStrides, batch, split), strideB = uniformStride(b.batchStrides, batch, split);
        long strideC = uniformStride(sc, batch, split);
        int inner = Math.toIntExact(Ops.prod(batch, split, batch.length));
        long outer = Ops.prod(batch, 0, split);
        int[] idx = new int[split];
        for (long o = 0; o < outer; o++) {
            long oa = a.t.offset, ob = b.t.offset, oc = c.offset;
            for (int d = 0; d < split; d++) {
                oa += idx[d] * a.batchStrides[d];
                ob += idx[d] * b.batchStrides[d];
                oc += idx[d] * sc[d];
            }
            Buffer ba = a.t.base.slice(oa), bb = b.t.base.slice(ob), bc = c.base.slice(oc);
            if (inner == 1) {
                be.gemm(a.trans, b.trans, m, n, k, 1f, ba, a.ld, bb, b.ld, beta, bc, (int) ldc);
            } else if (inner > 1) {
                be.gemmBatched(a.trans, b.trans, m, n, k, 1f, ba, a.ld, strideA, bb, b.ld, strideB, beta, bc, (int) ldc, strideC, inner);
            }
            for (int d = split - 1; d >= 0 && ++idx[d] == batch[d]; d--) idx[d] = 0;
        }
    }

    /** a (..., m, k) @ b (..., k, n) written into c (batch..., m, n) with dense rows; returns c. */
    private static Tensor gemmInto(Tensor a, Tensor b, Tensor c) {
        return gemmInto(a, b, c, 0f);
    }

    /** c = a·b + beta·c over c's batch (a, b: any views broadcastable to it; c: dense rows); returns c. */
    static Tensor gemmInto(Tensor a, Tensor b, Tensor c, float beta) {
        int[] batch = Arrays.copyOf(c.shape, c.dim() - 2);
        gemm(operand(a, batch), operand(b, batch), a.size(-2), b.size(-1), a.size(-1), c, batch, beta);
        return c;
    }

    /**
     * x·y into a new tensor laid out in memory like {@code like} (same shape), so that a gradient
     * flowing back through permutes of a view arrives dense (no copy in the reshape or kernel that
     * consumes it). Falls back to a dense result when like's layout is not a dense permutation.
     */
    private static Tensor productLike(Tensor x, Tensor y, Tensor like) {
        Tensor c = Ops.outLike(like);
        int r = c.dim();
        if (c.strides[r - 1] == 1 || c.shape[r - 1] == 1) return gemmInto(x, y, c);
        if (c.strides[r - 2] == 1) {             // column-major matrices: write cᵀ = yᵀ·xᵀ
            gemmInto(y.transpose(-2, -1), x.transpose(-2, -1), c.transpose(-2, -1));
            return c;
        }
        return gemmInto(x, y, Ops.out(like.shape));
    }

    private static boolean sameBatch(Tensor t, Tensor out) {
        return t.dim() == out.dim() && Arrays.equals(t.shape, 0, t.dim() - 2, out.shape, 0, out.dim() - 2);
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
        boolean folded = a.dim() > 2 && b.dim() == 2;
        Tensor out = folded ? foldedForward(a, b) : batchedForward(a, b);
        int[] as = a.shape, bs = b.shape;
        return Ops.record(out, "matmul", g -> new Tensor[] {
                !a.requiresGrad ? null
                        : !folded && sameBatch(a, out) ? productLike(g, b.t(), a)
                        : ReduceOps.sumTo(matmul(g, b.t()), as),
                !b.requiresGrad ? null
                        : folded ? matmul(a.reshape(-1, k).t(), g.reshape(-1, n))   // Σ over batch as one GEMM
                        : sameBatch(b, out) ? productLike(a.t(), g, b)
                        : ReduceOps.sumTo(matmul(a.t(), g), bs)}, a, b);
    }

    /** (..., m, k) @ (k, n): the leading dims of a fold into the rows of one GEMM when the layout allows. */
    private static Tensor foldedForward(Tensor a, Tensor b) {
        int k = a.size(-1), n = b.size(-1);
        int rows = Math.toIntExact(a.numel / Math.max(1, k));
        Tensor a2 = a.detach().reshape(rows, k);
        int[] shape = a.shape.clone();
        shape[shape.length - 1] = n;
        Tensor out = Ops.out(shape);
        gemm(operand(a2, NO_BATCH), operand(b, NO_BATCH), rows, n, k, out, NO_BATCH, 0f);
        return out;
    }

    private static Tensor batchedForward(Tensor a, Tensor b) {
        int m = a.size(-2), n = b.size(-1);
        int[] batch = Shapes.broadcast(Arrays.copyOf(a.shape, a.dim() - 2), Arrays.copyOf(b.shape, b.dim() - 2), "matmul");
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        return gemmInto(a, b, Ops.out(shape));
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
        Operand xa = operand(x2, NO_BATCH);
        Operand wt = operand(weight.detach().t(), NO_BATCH);
        gemm(xa, wt, rows, outF, in, out, NO_BATCH, beta);
        Tensor[] inputs = bias != null ? new Tensor[] {x, weight, bias} : new Tensor[] {x, weight};
        int[] xs = x.shape;
        return Ops.record(out, "linear", g -> {
            Tensor g2 = Ops.dense(g);
            Tensor[] grads = new Tensor[inputs.length];
            if (x.requiresGrad) {               // dx (rows, in) = g (rows, out) @ W (out, in)
                Tensor dx = Ops.out(xs);
                gemm(operand(g2.reshape(rows, outF), NO_BATCH), operand(weight.detach(), NO_BATCH), rows, in, outF, dx, NO_BATCH, 0f);
                grads[0] = dx;
            }
            if (weight.requiresGrad) {          // dW (out, in) = gᵀ (out, rows) @ x (rows, in)
                Tensor dw = Ops.out(weight.shape);
                gemm(operand(g2.reshape(rows, outF).t(), NO_BATCH), xa, outF, in, rows, dw, NO_BATCH, 0f);
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
