package dev.dat4j.dat.layers;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.AttentionConfig;

/**
 * Standard ("sensory") multi-head attention, dat-spec §2: grouped-query heads, optional
 * biases, symmetric (shared) query/key projection, interleaved RoPE, causal masking.
 * Parameters: {@code wq.weight}, {@code wk.weight}/{@code wk.bias} (absent when symmetric),
 * {@code wv.weight}/{@code wv.bias}, {@code wo.weight}/{@code wo.bias}.
 */
public final class Attention extends Module {
    private final AttentionConfig.Shape shape;
    private final float dropout;
    private final Generator gen;
    private final Linear wq, wk, wv, wo;

    /** A module of {@code shape}; {@code shared} (or null) gives the query and key projections to reuse. */
    public Attention(AttentionConfig.Shape shape, AttentionConfig options, double dropout, Generator gen,
                     Linear[] shared) {
        this.shape = shape;
        this.dropout = (float) dropout;
        this.gen = gen;
        int d = shape.dModel(), h = shape.nHeads(), g = shape.nKvHeads(), kd = shape.keyDim(), hd = shape.headDim();
        this.wq = register("wq", shared != null ? shared[0] : new Linear(d, h * kd, false, gen));
        if (shared != null) {
            this.wk = register("wk", shared[1]);
        } else if (options.symmetricAttn()) {
            this.wk = register("wk", wq);
        } else {
            this.wk = register("wk", new Linear(d, g * kd, options.addBiasKv(), gen));
        }
        this.wv = register("wv", new Linear(d, g * hd, options.addBiasKv(), gen));
        this.wo = register("wo", new Linear(h * hd, h * hd, options.addBiasOut(), gen));
    }

    public AttentionConfig.Shape shape() {
        return shape;
    }

    /** Self-attention of x (B, L, d) → (B, L, n_heads·head_dim). */
    public Tensor forward(Tensor x, Rope rope, boolean causal) {
        return forward(x, x, rope, causal);
    }

    /**
     * Attention of queries from {@code query} (B, Lq, d) to keys and values from {@code context}
     * (B, Lk, d) → (B, Lq, n_heads·head_dim). {@code rope} may be null; causal needs Lq == Lk.
     */
    public Tensor forward(Tensor query, Tensor context, Rope rope, boolean causal) {
        int b = query.size(0), lq = query.size(1), lk = context.size(1);
        int h = shape.nHeads(), g = shape.nKvHeads(), kd = shape.keyDim(), hd = shape.headDim();
        Tensor q = wq.forward(query).view(b, lq, h, kd);
        Tensor k = wk.forward(context).view(b, lk, g, kd);
        Tensor v = wv.forward(context).view(b, lk, g, hd);
        if (rope != null) {
            q = rope.apply(q);
            k = rope.apply(k);
        }
        Tensor probs = HeadOps.probabilities(q, k, (float) (1 / Math.sqrt(hd)), causal);
        probs = F.dropout(probs, dropout, isTraining(), gen);
        Tensor out = HeadOps.concatHeads(HeadOps.attend(probs, v, lq));
        return F.dropout(wo.forward(out), dropout, isTraining(), gen);
    }

    @Override
    public String toString() {
        return "Attention(" + shape + ")";
    }
}
