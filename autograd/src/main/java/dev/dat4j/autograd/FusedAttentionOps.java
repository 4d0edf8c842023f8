package dev.dat4j.autograd;

import java.util.Arrays;

import dev.dat4j.vecops.AttentionProblem;
import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.FusedAttention;

/**
 * {@link F#scaledDotProductAttention} on a backend with {@link FusedAttention} kernels (the CPU
 * ones): one kernel call forward, one backward, and between them only one log-sum-exp per query
 * row is kept (no (Lq, Lk) matrix at all). Operands are passed as they lie in memory
 * (head views, broadcast keys and values: one offset per batch entry); only a matrix whose
 * columns are not contiguous is copied first.
 */
final class FusedAttentionOps {
    private FusedAttentionOps() {}

    static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, float scale, boolean causal, int[] batch,
                                            FusedAttention kernels) {
        int lq = q.size(-2), lk = k.size(-2), d = q.size(-1), dv = v.size(-1);
        int entries = Math.toIntExact(Ops.prod(batch, 0, batch.length));
        Operand qo = Operand.of(q, batch), ko = Operand.of(k, batch), vo = Operand.of(v, batch);
        AttentionProblem p = new AttentionProblem(entries, lq, lk, d, dv, scale, causal,
                qo.buffer, qo.offsets, qo.ld, ko.buffer, ko.offsets, ko.ld, vo.buffer, vo.offsets, vo.ld);
        Tensor o = Ops.out(AttentionOps.shape(batch, lq, dv));
        Tensor lse = Ops.out(new int[] {Math.max(1, Math.toIntExact((long) entries * lq))});
        kernels.attention(p, o.buffer(), lse.buffer());
        int[] qs = q.shape, ks = k.shape, vs = v.shape;
        return Ops.record(o, "scaledDotProductAttention", grad -> {
            Tensor g = Ops.dense(grad);
            Tensor dq = Ops.out(AttentionOps.shape(batch, lq, d)), dk = Ops.out(AttentionOps.shape(batch, lk, d));
            Tensor dvOut = Ops.out(AttentionOps.shape(batch, lk, dv));
            kernels.attentionBackward(p, o.buffer(), lse.buffer(), g.buffer(), dq.buffer(), dk.buffer(), dvOut.buffer());
            return new Tensor[] {
                    q.requiresGrad ? ReduceOps.sumTo(dq, qs) : null,
                    k.requiresGrad ? ReduceOps.sumTo(dk, ks) : null,   // per entry: summed where k was broadcast
                    v.requiresGrad ? ReduceOps.sumTo(dvOut, vs) : null};
        }, q, k, v);
    }

    /** An operand's storage, the offset of its matrix for each batch entry, and its row stride. */
    private record Operand(Buffer buffer, long[] offsets, int ld) {
        static Operand of(Tensor t, int[] batch) {
            Tensor x = t.detach();
            int r = x.dim(), rows = x.size(-2), cols = x.size(-1);
            long ld = rows == 1 ? cols : x.strides[r - 2];
            if ((cols > 1 && x.strides[r - 1] != 1) || ld < cols || ld > Integer.MAX_VALUE) {
                x = Ops.dense(x);
                ld = cols;
            }
            long[] st = Shapes.broadcastStrides(Arrays.copyOf(x.shape, r - 2), Arrays.copyOf(x.strides, r - 2), batch);
            long[] offsets = new long[Math.toIntExact(Ops.prod(batch, 0, batch.length))];
            int[] idx = new int[batch.length];
            for (int e = 0; e < offsets.length; e++) {          // row-major walk over the batch index
                long off = 0;
                for (int i = 0; i < batch.length; i++) off += idx[i] * st[i];
                offsets[e] = off;
                for (int i = batch.length - 1; i >= 0 && ++idx[i] == batch[i]; i--) idx[i] = 0;
            }
            return new Operand(x.strided(), offsets, (int) ld);
        }
    }
}
