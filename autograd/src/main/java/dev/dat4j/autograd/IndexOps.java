package dev.dat4j.autograd;

import java.util.Arrays;

/** Embedding lookup and gather along the last dim; backward rules scatter-add through the same indices. */
final class IndexOps {
    private IndexOps() {}

    /** weight (V, D), ids int32 (...) → (..., D). */
    static Tensor embedding(Tensor weight, Tensor ids) {
        Ops.checkFloat(weight, "embedding");
        Ops.checkInt(ids, "embedding", "ids");
        if (weight.dim() != 2) throw new IllegalArgumentException("embedding: weight must be (num_embeddings, dim), got " + Shapes.str(weight.shape));
        int vocab = weight.size(0), dim = weight.size(1);
        int n = Math.toIntExact(ids.numel);
        int[] shape = Arrays.copyOf(ids.shape, ids.dim() + 1);
        shape[ids.dim()] = dim;
        Tensor idd = Ops.dense(ids);
        Tensor out = Ops.out(shape);
        weight.backend.embedding(n, dim, vocab, Ops.dense(weight).buffer(), idd.buffer(), out.buffer());
        return Ops.record(out, "embedding", g -> {
            Tensor dw = Ops.out(weight.shape);
            weight.backend.embeddingBackward(n, dim, vocab, idd.buffer(), Ops.dense(g).buffer(), dw.buffer());
            return new Tensor[] {dw};
        }, weight);
    }

    /** out[..., j] = x[..., index[..., j]] along {@code dim}; x (..., n), index int32 (..., k). */
    static Tensor gather(Tensor x, int dim, Tensor index) {
        Ops.checkFloat(x, "gather");
        Ops.checkInt(index, "gather", "index");
        int d = Shapes.dim(dim, x.dim(), "gather");
        if (index.dim() != x.dim()) {
            throw new IllegalArgumentException("gather: index " + Shapes.str(index.shape) + " must have the rank of input " + Shapes.str(x.shape));
        }
        if (d != x.dim() - 1) return gather(x.transpose(d, -1), -1, index.transpose(d, -1)).transpose(d, -1);
        for (int i = 0; i < x.dim() - 1; i++) {
            if (index.shape[i] != x.shape[i]) {
                throw new IllegalArgumentException("gather: index " + Shapes.str(index.shape) + " and input " + Shapes.str(x.shape)
                        + " must agree in every dim but the last");
            }
        }
        int n = x.size(-1), k = index.size(-1);
        int outer = Math.toIntExact(index.numel / Math.max(1, k));
        Tensor idx = Ops.dense(index);
        Tensor y = Ops.out(index.shape);
        x.backend.gather(outer, n, k, Ops.dense(x).buffer(), idx.buffer(), y.buffer());
        return Ops.record(y, "gather", g -> {
            Tensor dx = Ops.out(x.shape);
            x.backend.gatherBackward(outer, n, k, idx.buffer(), Ops.dense(g).buffer(), dx.buffer());
            return new Tensor[] {dx};
        }, x);
    }
}
