package dev.dat4j.dat.layers;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Init;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.dat.config.Activation;
import dev.dat4j.dat.config.RelationalAttentionConfig;

/**
 * Relational attention, dat-spec §3:
 * {@code RA(x)_i = Σ_j α_ij (r(x_i, x_j) W_r + s_j W_s)} per head, then {@code W_o}.
 *
 * <p>The relation vector r (d_r relations) is computed once and shared by every head; each head
 * has its own attention α, its own {@code W_r^h} and its own slice of {@code W_s = wv}. Relations
 * are computed "attend then project": first {@code Σ_j α_ij r_ij} (d_r numbers per head and
 * position), then {@code W_r^h}, so no (L, L, d) tensor exists (except the symbols themselves when
 * they are position-relative). With the default identity activation the sum is reassociated once
 * more, {@code Σ_j α_ij <q_i, k_j> = <q_i, Σ_j α_ij k_j>}, so not even the (L, L, d_r) relation
 * tensor is formed; other activations need the relations explicitly.
 *
 * <p>Parameters: {@code wq_attn}, {@code wk_attn} (= wq_attn if symmetric_attn), {@code wq_rel},
 * {@code wk_rel} (= wq_rel if symmetric_rels), {@code wr} ((n_ra, hd, d_r); era 1: {@code wr.weight}
 * (n_ra·hd, d_r), the same numbers), {@code wv}, {@code wo}.
 */
public final class RelationalAttention extends Module implements RelationalHeads {
    private final RelationalAttentionConfig.Shape shape;
    private final Activation activation;
    private final boolean relativeSymbols;
    private final float dropout;
    private final Generator gen;
    private final Linear wqAttn, wkAttn, wqRel, wkRel, wv, wo;
    private final Tensor wr;

    public RelationalAttention(RelationalAttentionConfig.Shape shape, RelationalAttentionConfig options, double dropout,
                               Generator gen) {
        this.shape = shape;
        this.activation = options.relActivation();
        this.relativeSymbols = options.useRelativePositionalSymbols();
        this.dropout = (float) dropout;
        this.gen = gen;
        int d = shape.dModel(), h = shape.nHeads(), g = shape.nKvHeads(), kd = shape.keyDim(), hd = shape.headDim();
        int nr = shape.nRelations(), rp = shape.relProjDim();
        this.wqAttn = register("wq_attn", new Linear(d, h * kd, false, gen));
        this.wkAttn = register("wk_attn", options.symmetricAttn() ? wqAttn : new Linear(d, g * kd, options.addBiasKv(), gen));
        this.wqRel = register("wq_rel", new Linear(d, nr * rp, false, gen));
        this.wkRel = register("wk_rel", options.symmetricRels() ? wqRel : new Linear(d, nr * rp, false, gen));
        if (shape.era().isEra1()) {
            // era 1 stored W_r as a bias-free Linear(d_r -> n_ra*hd): weight (n_ra*hd, d_r), row h*hd+c = W_r[h,c,:]
            this.wr = register("wr", new Linear(nr, h * hd, false, gen)).weight();
        } else {
            this.wr = registerParameter("wr", Parameter.zeros(h, hd, nr));
            Init.kaimingUniform_(wr, Math.sqrt(5), gen);
        }
        this.wv = register("wv", new Linear(d, g * hd, options.addBiasKv(), gen));
        this.wo = register("wo", new Linear(h * hd, h * hd, options.addBiasOut(), gen));
    }

    public RelationalAttentionConfig.Shape shape() {
        return shape;
    }

    @Override
    public Linear[] queryKey() {
        return new Linear[] {wqAttn, wkAttn};
    }

    /** W_r as (n_heads, head_dim, n_relations) (a view of either era's storage). */
    public Tensor relationProjection() {
        return wr.view(shape.nHeads(), shape.headDim(), shape.nRelations());
    }

    /**
     * x (B, L, d); symbols (B, L, d), or (L, L, d) when {@code use_relative_positional_symbols}
     * (entry (i, j) is the symbol receiver i sees for sender j) → (B, L, n_heads·head_dim).
     */
    @Override
    public Tensor forward(Tensor x, Tensor symbols, Rope rope, boolean causal) {
        return run(x, symbols, rope, causal, false).output();
    }

    /**
     * The output with the attention weights α (B, G, rep·L, L) (= (B, H, L, L) viewed) and the
     * relations (B, d_r, L, L), for analysis and tests.
     */
    public record Result(Tensor output, Tensor alpha, Tensor relations) {}

    public Result forwardWithWeights(Tensor x, Tensor symbols, Rope rope, boolean causal) {
        return run(x, symbols, rope, causal, true);
    }

    private Result run(Tensor x, Tensor symbols, Rope rope, boolean causal, boolean wantRelations) {
        int b = x.size(0), l = x.size(1);
        int h = shape.nHeads(), g = shape.nKvHeads(), kd = shape.keyDim(), hd = shape.headDim();
        int nr = shape.nRelations(), rp = shape.relProjDim();
        checkSymbols(symbols, b, l);

        // attention weights, one set per head: alpha (B, G, rep*L, L)
        Tensor qa = wqAttn.forward(x).view(b, l, h, kd);
        Tensor ka = wkAttn.forward(x).view(b, l, g, kd);
        if (rope != null) {
            qa = rope.apply(qa);
            ka = rope.apply(ka);
        }
        if (activation == Activation.IDENTITY && !relativeSymbols && !wantRelations && (dropout == 0f || !isTraining())) {
            // one attention primitive; values per head group: [s_j W_s (hd) | relation keys k_j (d_r·rp)]
            int rep = h / g, kw = nr * rp;
            Tensor qh = qa.view(b, l, g, rep, kd).permute(0, 2, 3, 1, 4);
            Tensor kh = ka.permute(0, 2, 1, 3).unsqueeze(2);
            Tensor sv = wv.forward(symbols).view(b, l, g, hd).permute(0, 2, 1, 3);
            Tensor kr = wkRel.forward(x).view(b, 1, l, kw).expand(b, g, l, kw);
            Tensor o = F.scaledDotProductAttention(qh, kh, Tensor.cat(java.util.List.of(sv, kr), 3).unsqueeze(2),
                    (float) (1 / Math.sqrt(hd)), causal);                             // (B, G, rep, L, hd + kw)
            Tensor attendedSymbols = o.narrow(4, 0, hd).permute(0, 3, 1, 2, 4).reshape(b, l, h, hd);
            Tensor qr = wqRel.forward(x).mul((float) (1 / Math.sqrt(rp))).view(b, l, nr, rp);
            Tensor attendedRel = o.narrow(4, hd, kw).reshape(b, h, l, nr, rp).mul(qr.unsqueeze(1)).sum(-1, false);
            Tensor projected = attendedRel.permute(1, 0, 2, 3).reshape(h, b * l, nr)
                    .matmul(relationProjection().transpose(1, 2))
                    .view(h, b, l, hd).permute(1, 2, 0, 3);
            Tensor out = attendedSymbols.add(projected).view(b, l, h * hd);
            return new Result(wo.forward(out), null, null);
        }
        Tensor alpha = HeadOps.probabilities(qa, ka, (float) (1 / Math.sqrt(hd)), causal);
        alpha = F.dropout(alpha, dropout, isTraining(), gen);

        // Σ_j alpha_ij s_j W_s per head → (B, L, H, hd)
        Tensor attendedSymbols = relativeSymbols ? HeadOps.attendRelative(alpha, wv.forward(symbols), b, l, g, h / g, hd)
                : HeadOps.attend(alpha, wv.forward(symbols).view(b, l, g, hd), l);

        // Σ_j alpha_ij r_ij per head, (B, H, L, d_r); relations r_ij are shared by all heads
        Tensor qr = wqRel.forward(x).mul((float) (1 / Math.sqrt(rp))).view(b, l, nr, rp); // scale folded in
        Tensor kr = wkRel.forward(x);                                                  // (B, L, d_r·rp)
        Tensor relations = null;
        Tensor attendedRel;
        if (activation == Activation.IDENTITY) {
            // Σ_j α_ij <q_i, k_j> = <q_i, Σ_j α_ij k_j>: attend to the relation keys, then one dot product
            // per relation. Same sums, no (B, d_r, L, L) tensor, and the big product is one GEMM per batch.
            Tensor keys = alpha.view(b, h * l, l).matmul(kr).view(b, h, l, nr, rp);
            attendedRel = keys.mul(qr.unsqueeze(1)).sum(-1, false);
            if (wantRelations) relations = relations(qr, kr, b, l);
        } else {
            relations = relations(qr, kr, b, l);
            // for each (b, i): alpha (H, L_j) @ r (L_j, d_r)
            Tensor alphaRows = alpha.view(b, g, h / g, l, l).permute(0, 3, 1, 2, 4).reshape(b, l, h, l);
            attendedRel = alphaRows.matmul(relations.permute(0, 2, 3, 1)).permute(0, 2, 1, 3);
        }
        // project with W_r^h: (H, B·L, d_r) @ (H, d_r, hd) → (H, B·L, hd) → (B, L, H, hd)
        Tensor projected = attendedRel.permute(1, 0, 2, 3).reshape(h, b * l, nr)
                .matmul(relationProjection().transpose(1, 2))
                .view(h, b, l, hd).permute(1, 2, 0, 3);

        Tensor out = attendedSymbols.add(projected).view(b, l, h * hd);
        out = F.dropout(wo.forward(out), dropout, isTraining(), gen);
        return new Result(out, alpha, relations);
    }

    /** act(q_i · k_j) for every pair, (B, d_r, L, L); q already carries the 1/√rp scale. */
    private Tensor relations(Tensor qr, Tensor kr, int b, int l) {
        int nr = shape.nRelations(), rp = shape.relProjDim();
        Tensor scores = qr.permute(0, 2, 1, 3).matmul(kr.view(b, l, nr, rp).permute(0, 2, 3, 1));
        return HeadOps.activate(scores, activation);
    }

    private void checkSymbols(Tensor symbols, int b, int l) {
        int d = shape.dModel();
        boolean ok = relativeSymbols
                ? symbols.dim() == 3 && symbols.size(0) == l && symbols.size(1) == l && symbols.size(2) == d
                : symbols.dim() == 3 && symbols.size(0) == b && symbols.size(1) == l && symbols.size(2) == d;
        if (!ok) {
            throw new IllegalArgumentException("relational attention: symbols of shape "
                    + java.util.Arrays.toString(symbols.shape()) + ", expected "
                    + (relativeSymbols ? "(L, L, d) = (" + l + ", " + l : "(B, L, d) = (" + b + ", " + l) + ", " + d + ")");
        }
    }

    @Override
    public String toString() {
        return "RelationalAttention(" + shape + ", rel_activation=" + activation.jsonName + ")";
    }
}
