package dev.dat4j.autograd;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.CpuBackend;
import dev.dat4j.vecops.FusedAttention;
import dev.dat4j.vecops.WorkerPool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scaled dot-product attention as one primitive (PyTorch's {@code scaled_dot_product_attention}):
 * {@code softmax(scale·q·kᵀ [causal]) · v} with a hand-written backward.
 *
 * <pre>
 * q: (batch..., Lq, d), k: (batch..., Lk, d), v: (batch..., Lk, dv)  (batch dims broadcast; any views)
 * forward:  S = q·kᵀ; P = softmax(scale·S) (causal: key j ≤ query i + Lk − Lq); O = P·v  → (batch..., Lq, dv)
 * backward: dP = dO·vᵀ; dV = Pᵀ·dO; dS = scale·P ⊙ (dP − rowsum(dP ⊙ P)); dQ = dS·k; dK = dSᵀ·q
 * </pre>
 *
 * <p>Against the same ops recorded one by one: only P is kept for the backward pass (S is a
 * temporary); the work runs in blocks — groups of batch entries × blocks of query rows — sized so
 * that a block's S (backward: dP, dS) stays in the L2 cache between the GEMM and the softmax
 * kernel that touch it, one reused workspace per temporary; with a causal mask a block of query
 * rows only multiplies (and stores P for) the keys it can see (rows [r, r+R) see keys
 * [0, r+R+Lk−Lq)): at 2 row blocks a quarter of a square causal attention's products and of P's
 * memory; and dK, dV are computed transposed (qᵀ·dS, dOᵀ·P, returned as transposed views), the
 * GEMM shape the CPU kernel runs ~1.7× faster than Pᵀ·dO when the head dim is small (8).
 * Measured (1 thread, B 16, 8 heads, T 256, head dim 8, causal, forward + backward): 32 ms
 * against 52 ms for matmul, softmax, matmul.
 */
final class AttentionOps {
    /** Floats of S (and of dP, dS) per block: 1 MiB, about one core's L2 (tests lower it). */
    static long chunkFloats = 1 << 18;
    /** Causal query-row blocks per entry: 2 skips a quarter of the work; 4 measured no faster (smaller GEMMs). */
    static int causalBlocks = 2;
    /**
     * Whether backends with {@link FusedAttention} kernels (the CPU ones) use them for heads of at
     * most {@link #FUSED_MAX_HEAD_DIM} / {@link #FUSED_MAX_VALUE_DIM} (q/k, v widths); tests switch it off to run the GEMM path
     * below on a CPU too. That path is what the GPU runs.
     */
    static boolean fused = true;
    /**
     * Widest query/key and value heads the fused kernels take. Up to 16 / 64 the fused kernels beat
     * GEMM, softmax, GEMM on the CPU: at head dim 8 the GEMMs run at a third of the CPU's peak and
     * S, P dominate the memory traffic (a d=64, 8-head Transformer LM step trains 1.2–1.3× faster
     * fused); DAT's symbolic attention (heads 16, 512 keys) and relational attention (keys 8,
     * values 40) made a DAT step ~6 % (1 thread) to ~10 % (2 threads) faster fused, in alternating
     * runs. Wider heads keep the GEMM path, which the GPU also runs.
     */
    static final int FUSED_MAX_HEAD_DIM = 16, FUSED_MAX_VALUE_DIM = 64;

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
        if (fused && q.backend instanceof FusedAttention kernels && q.size(-1) <= FUSED_MAX_HEAD_DIM && dv <= FUSED_MAX_VALUE_DIM) {
            return FusedAttentionOps.scaledDotProductAttention(q, k, v, scale, causal, batch, kernels);
        }
        Tensor qb = full(q, batch), kb = full(k, batch), vb = full(v, batch);   // broadcast dims: stride 0
        Tensor o = Ops.out(shape(batch, lq, dv));
        Backend be = q.backend;
        // Cache-sized blocks help a CPU; a GPU wants few, large launches (small blocks made a
        // DAT training step on an H200 4x slower), so there the only split is the causal one.
        long chunk = onHost(be) ? chunkFloats : Long.MAX_VALUE;
        List<Block> blocks = blocks(batch, lq, lk, causal, chunk);
        List<Tensor> probs = new ArrayList<>(blocks.size());                     // P, block by block
        for (Block c : blocks) probs.add(Ops.out(c.shape()));
        int slots = slots(be, blocks);
        try (Scope _ = Scope.open()) {
            Tensor[] sWork = workspaces(blocks, slots);
            forEachBlock(blocks, slots, (i, slot) -> {
                Block c = blocks.get(i);
                Tensor s = c.view(sWork[slot]);
                MatmulOps.gemmInto(c.queries(qb), c.keys(kb).t(), s, 0f);
                be.softmax(c.rows(), c.cols(), s.buffer(), scale, causal ? c.rowCount() : 0, probs.get(i).buffer());
                MatmulOps.gemmInto(probs.get(i), c.keys(vb), c.queries(o), 0f);
            });
        }
        int[] qs = q.shape, ks = k.shape, vs = v.shape;
        return Ops.record(o, op, grad -> {
            Tensor g = gemmReady(grad);
            Tensor dq = q.requiresGrad ? Ops.out(qb.shape) : null;
            // dKᵀ (batch..., d, Lk) and dVᵀ (batch..., dv, Lk): computed transposed (qᵀ·dS, dOᵀ·P), the
            // GEMM shape the kernel runs fastest with a small head dim; sums over the row blocks that see a key
            Tensor dkt = k.requiresGrad ? Ops.out(shape(batch, k.size(-1), lk)) : null;
            Tensor dvt = v.requiresGrad ? Ops.out(shape(batch, dv, lk)) : null;
            if (dkt != null) be.fill(dkt.buffer(), dkt.numel, 0f);
            if (dvt != null) be.fill(dvt.buffer(), dvt.numel, 0f);
            try (Scope _ = Scope.open()) {
                Tensor[] dpWork = workspaces(blocks, slots), dsWork = workspaces(blocks, slots);
                forEachBlock(blocks, slots, (i, slot) -> {
                    Block c = blocks.get(i);
                    Tensor gc = c.queries(g), pc = probs.get(i);
                    if (dvt != null) MatmulOps.gemmInto(gc.t(), pc, c.keysT(dvt), 1f);
                    if (dq == null && dkt == null) return;
                    Tensor dp = c.view(dpWork[slot]), ds = c.view(dsWork[slot]);
                    MatmulOps.gemmInto(gc, c.keys(vb).t(), dp, 0f);
                    be.softmaxBackward(c.rows(), c.cols(), pc.buffer(), dp.buffer(), scale, ds.buffer());
                    if (dq != null) MatmulOps.gemmInto(ds, c.keys(kb), c.queries(dq), 0f);
                    if (dkt != null) MatmulOps.gemmInto(c.queries(qb).t(), ds, c.keysT(dkt), 1f);
                });
            }
            return new Tensor[] {
                    dq == null ? null : ReduceOps.sumTo(dq, qs),
                    dkt == null ? null : ReduceOps.sumTo(dkt.transpose(-2, -1), ks),
                    dvt == null ? null : ReduceOps.sumTo(dvt.transpose(-2, -1), vs)};
        }, q, k, v);
    }

    /** Whether be computes on the host CPU: the CPU backends, and wrappers around them, offer {@link FusedAttention}. */
    private static boolean onHost(Backend be) {
        return be instanceof CpuBackend || be instanceof FusedAttention;
    }

    private static int[] batchOf(Tensor t) {
        return Arrays.copyOf(t.shape, t.dim() - 2);
    }

    /**
     * t as a detached view expanded to (batch..., its rows, its cols), copied first if its matrices
     * are not GEMM operands as they are (the blocks may run on worker threads, which cannot allocate).
     */
    private static Tensor full(Tensor t, int[] batch) {
        return gemmReady(t.detach()).expand(shape(batch, t.size(-2), t.size(-1)));
    }

    private static Tensor gemmReady(Tensor t) {
        return MatmulOps.hasMatrixLayout(t) ? t : Ops.dense(t);
    }

    static int[] shape(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    /** One flat temporary per slot, large enough for the S (dP, dS) of any block. */
    private static Tensor[] workspaces(List<Block> blocks, int slots) {
        long max = 1;
        for (Block c : blocks) max = Math.max(max, (long) c.rows() * c.cols());
        Tensor[] out = new Tensor[slots];
        for (int i = 0; i < slots; i++) out[i] = Ops.out(new int[] {Math.toIntExact(max)});
        return out;
    }

    /** The work of one block, on workspace {@code slot}. */
    private interface BlockWork {
        void run(int block, int slot);
    }

    /**
     * Threads the blocks run on: on a CPU backend, up to the worker pool's threads, one per group
     * of entries (blocks of different entries write disjoint outputs; the row blocks of one entry
     * add into the same dK, dV, so they stay on one thread). Other backends (one device stream): 1.
     */
    private static int slots(Backend be, List<Block> blocks) {
        if (!onHost(be)) return 1;
        return Math.max(1, Math.min(WorkerPool.global().threads(), groupStarts(blocks).length - 1));
    }

    /**
     * Runs every block. With several slots the entry groups are dealt round-robin to the pool's
     * threads and each block's kernels run inline on its thread (the pool runs nested calls
     * inline): small GEMMs and softmaxes need no hand-off between threads.
     */
    private static void forEachBlock(List<Block> blocks, int slots, BlockWork work) {
        if (slots == 1) {
            for (int i = 0; i < blocks.size(); i++) work.run(i, 0);
            return;
        }
        int[] starts = groupStarts(blocks);
        int groups = starts.length - 1;
        WorkerPool.global().parallelFor(slots, t -> {
            for (int grp = t; grp < groups; grp += slots) {
                for (int i = starts[grp]; i < starts[grp + 1]; i++) work.run(i, t);
            }
        });
    }

    /** Index of the first block of each entry group, then the number of blocks. */
    private static int[] groupStarts(List<Block> blocks) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (i == 0 || blocks.get(i).from() != blocks.get(i - 1).from()) starts.add(i);
        }
        starts.add(blocks.size());
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * One block of the work: entries [from, from+count) of the first batch dim (the whole tensor
     * when there is no batch dim), query rows [row, row+rowCount) and keys [0, cols).
     */
    private record Block(int[] batch, int from, int count, int row, int rowCount, int lq, int lk, int cols) {
        /** The block of a tensor with Lq rows (q, O, dO, dQ). */
        Tensor queries(Tensor t) {
            Tensor x = entries(t);
            return rowCount == lq ? x : x.narrow(-2, row, rowCount);
        }

        /** The block of a tensor with Lk rows (k, v, dK, dV): the keys it sees. */
        Tensor keys(Tensor t) {
            Tensor x = entries(t);
            return cols == lk ? x : x.narrow(-2, 0, cols);
        }

        /** The block of a transposed key tensor (dKᵀ, dVᵀ: (..., cols, Lk)): the key columns it sees. */
        Tensor keysT(Tensor t) {
            Tensor x = entries(t);
            return cols == lk ? x : x.narrow(-1, 0, cols);
        }

        private Tensor entries(Tensor t) {
            return batch.length == 0 || count == batch[0] ? t : t.narrow(0, from, count);
        }

        /** (count, batch[1:]..., rowCount, cols): the shape of this block's S and P. */
        int[] shape() {
            int[] s = batch.clone();
            if (s.length > 0) s[0] = count;
            return AttentionOps.shape(s, rowCount, cols);
        }

        /** The block's S (dP, dS) as a view over the start of a workspace. */
        Tensor view(Tensor workspace) {
            return workspace.narrow(0, 0, Math.toIntExact((long) rows() * cols)).view(shape());
        }

        /** Softmax rows of the block: entries × inner batch × query rows. */
        int rows() {
            long inner = batch.length == 0 ? 1 : (long) count * Ops.prod(batch, 1, batch.length);
            return Math.toIntExact(inner * rowCount);
        }
    }

    /**
     * Blocks of query rows (causal: about {@link #causalBlocks} per entry, each seeing only its
     * keys; not causal: all rows unless one entry's S exceeds {@code chunk} floats), grouped over
     * as many first-dim entries as keep a block's S within {@code chunk} floats.
     */
    private static List<Block> blocks(int[] batch, int lq, int lk, boolean causal, long chunk) {
        long inner = batch.length == 0 ? 1 : Ops.prod(batch, 1, batch.length);
        int first = batch.length == 0 ? 1 : batch[0];
        int rows = causal ? Math.max(1, Math.min(lq, (lq + causalBlocks - 1) / causalBlocks)) : lq;
        rows = (int) Math.max(1, Math.min(rows, chunk / Math.max(1, inner * lk)));
        int entries = (int) Math.max(1, Math.min(first, chunk / Math.max(1, inner * rows * lk)));
        List<Block> list = new ArrayList<>();
        for (int e = 0; e < first; e += entries) {
            for (int row = 0; row < lq; row += rows) {
                int n = Math.min(rows, lq - row);
                int cols = causal ? row + n + (lk - lq) : lk;
                list.add(new Block(batch, e, Math.min(entries, first - e), row, n, lq, lk, cols));
            }
        }
        return list;
    }
}
