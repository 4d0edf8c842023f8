package dev.dat4j.autograd;

import dev.dat4j.vecops.Backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scaled dot-product attention as one primitive (PyTorch's {@code scaled_dot_product_attention}):
 * {@code softmax(scale·q·kᵀ [causal]) · v} with a hand-written backward.
 *
 * <p>Against the same three ops recorded one by one, the primitive keeps only the probabilities P
 * for the backward pass (the scores S are a temporary), and it works in chunks — groups of batch
 * entries, or blocks of query rows for long non-causal queries such as symbolic attention's B·L
 * queries against n_s symbols — sized so that a chunk's S (backward: dP, dS) stays in the L2 cache
 * between the GEMM and the softmax kernel that touch it. One workspace per temporary is reused
 * by every chunk.
 *
 * <pre>
 * q: (batch..., Lq, d), k: (batch..., Lk, d), v: (batch..., Lk, dv)  (batch dims broadcast; any views)
 * forward:  S = q·kᵀ; P = softmax(scale·S) (causal: key j ≤ query i + Lk − Lq); O = P·v  → (batch..., Lq, dv)
 * backward: dP = dO·vᵀ; dV = Pᵀ·dO; dS = scale·P ⊙ (dP − rowsum(dP ⊙ P)); dQ = dS·k; dK = dSᵀ·q
 * </pre>
 */
final class AttentionOps {
    /** Floats of S (and of dP, dS) per chunk: 1 MiB, about one core's L2 (tests lower it). */
    static long chunkFloats = 1 << 18;

    private AttentionOps() {}

    static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, float scale, boolean causal) {
        String op = "scaledDotProductAttention";
        for (Tensor t : new Tensor[] {q, k, v}) Ops.checkFloat(t, op);
        Ops.sameBackend(q, k, op);
        Ops.sameBackend(q, v, op);
        if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2 || q.size(-1) != k.size(-1) || k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException(op + ": q " + Shapes.str(q.shape) + ", k " + Shapes.str(k.shape) + ", v "
                    + Shapes.str(v.shape) + ": expected q (..., Lq, d), k (..., Lk, d), v (..., Lk, dv)");
        }
        int lq = q.size(-2), lk = k.size(-2), dv = v.size(-1);
        if (causal && lq > lk) {
            throw new IllegalArgumentException(op + ": causal attention needs Lq <= Lk, got Lq " + lq + " and Lk " + lk);
        }
        int[] batch = Shapes.broadcast(Shapes.broadcast(batchOf(q), batchOf(k), op), batchOf(v), op);
        Tensor qb = full(q, batch), kb = full(k, batch), vb = full(v, batch);   // broadcast dims: stride 0
        Tensor p = Ops.out(shape(batch, lq, lk));
        Tensor o = Ops.out(shape(batch, lq, dv));
        List<Chunk> chunks = chunks(batch, lq, lk, causal);
        Backend be = q.backend;
        try (Scope _ = Scope.open()) {
            Tensor sWork = Ops.out(new int[] {Math.toIntExact(maxFloats(chunks, lk))});
            for (Chunk c : chunks) {
                Tensor s = c.work(sWork, lk);
                MatmulOps.gemmInto(c.queries(qb), c.keys(kb).t(), s, 0f);
                be.softmax(c.rows(), lk, s.buffer(), scale, causal ? lq : 0, c.queries(p).buffer());
                MatmulOps.gemmInto(c.queries(p), c.keys(vb), c.queries(o), 0f);
            }
        }
        int[] qs = q.shape, ks = k.shape, vs = v.shape;
        return Ops.record(o, op, g -> {
            Tensor dq = q.requiresGrad ? Ops.out(qb.shape) : null;
            Tensor dk = k.requiresGrad ? Ops.out(kb.shape) : null;
            Tensor dvv = v.requiresGrad ? Ops.out(vb.shape) : null;
            try (Scope _ = Scope.open()) {
                long work = maxFloats(chunks, lk);
                Tensor dpWork = Ops.out(new int[] {Math.toIntExact(work)}), dsWork = Ops.out(new int[] {Math.toIntExact(work)});
                for (Chunk c : chunks) {
                    Tensor gc = c.queries(g), pc = c.queries(p);
                    float beta = c.firstRowBlock() ? 0f : 1f;    // dK and dV sum over the row blocks of an entry
                    if (dvv != null) MatmulOps.gemmInto(pc.t(), gc, c.keys(dvv), beta);
                    if (dq == null && dk == null) continue;
                    Tensor dp = c.work(dpWork, lk), ds = c.work(dsWork, lk);
                    MatmulOps.gemmInto(gc, c.keys(vb).t(), dp, 0f);
                    be.softmaxBackward(c.rows(), lk, pc.buffer(), dp.buffer(), scale, ds.buffer());
                    if (dq != null) MatmulOps.gemmInto(ds, c.keys(kb), c.queries(dq), 0f);
                    if (dk != null) MatmulOps.gemmInto(ds.t(), c.queries(qb), c.keys(dk), beta);
                }
            }
            return new Tensor[] {
                    dq == null ? null : ReduceOps.sumTo(dq, qs),
                    dk == null ? null : ReduceOps.sumTo(dk, ks),
                    dvv == null ? null : ReduceOps.sumTo(dvv, vs)};
        }, q, k, v);
    }

    private static int[] batchOf(Tensor t) {
        return Arrays.copyOf(t.shape, t.dim() - 2);
    }

    /** t as a detached view expanded to (batch..., its rows, its cols). */
    private static Tensor full(Tensor t, int[] batch) {
        return t.detach().expand(shape(batch, t.size(-2), t.size(-1)));
    }

    private static int[] shape(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    private static long maxFloats(List<Chunk> chunks, int cols) {
        long max = 1;
        for (Chunk c : chunks) max = Math.max(max, (long) c.rows() * cols);
        return max;
    }

    /**
     * One piece of the work: entries [from, from+count) of the first batch dim (the whole tensor
     * when there is no batch dim) and query rows [row, row+rowCount).
     */
    private record Chunk(int[] batch, int from, int count, int row, int rowCount, int lq, boolean firstRowBlock) {
        /** The chunk of a tensor with Lq rows (q, P, O, dO, dQ). */
        Tensor queries(Tensor t) {
            Tensor x = keys(t);
            return rowCount == lq ? x : x.narrow(-2, row, rowCount);
        }

        /** The chunk's entries of a tensor with Lk rows (k, v, dK, dV): all rows. */
        Tensor keys(Tensor t) {
            return batch.length == 0 || count == batch[0] ? t : t.narrow(0, from, count);
        }

        /** A (count, batch[1:]..., rowCount, cols) view over the start of a workspace. */
        Tensor work(Tensor workspace, int cols) {
            int[] s = batch.clone();
            if (s.length > 0) s[0] = count;
            return workspace.narrow(0, 0, Math.toIntExact((long) rows() * cols)).view(shape(s, rowCount, cols));
        }

        /** Softmax rows of the chunk: entries × inner batch × query rows. */
        int rows() {
            long inner = batch.length == 0 ? 1 : (long) count * Ops.prod(batch, 1, batch.length);
            return Math.toIntExact(inner * rowCount);
        }
    }

    /**
     * Groups of first-dim entries whose S fits {@link #chunkFloats}; or, when one entry is larger,
     * single entries — split into blocks of query rows if the queries are long and not causal and
     * the batch has at most one dim (so that a block of P is one dense piece of memory).
     */
    private static List<Chunk> chunks(int[] batch, int lq, int lk, boolean causal) {
        long inner = batch.length == 0 ? 1 : Ops.prod(batch, 1, batch.length);
        long perEntry = inner * lq * lk;
        int first = batch.length == 0 ? 1 : batch[0];
        int entries = 1, rows = lq;
        if (perEntry <= chunkFloats) {
            entries = (int) Math.min(first, chunkFloats / Math.max(1, perEntry));
        } else if (!causal && batch.length <= 1) {
            rows = (int) Math.max(1, Math.min(lq, chunkFloats / Math.max(1, lk)));
        }
        List<Chunk> list = new ArrayList<>();
        for (int e = 0; e < first; e += entries) {
            for (int row = 0; row < lq; row += rows) {
                list.add(new Chunk(batch, e, Math.min(entries, first - e), row, Math.min(rows, lq - row), lq, row == 0));
            }
        }
        return list;
    }
}
