package dev.dat4j.dat.layers;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.Activation;
import dev.dat4j.dat.config.RaType;
import dev.dat4j.dat.config.RelationalAttentionConfig;

/**
 * The reference's ablation variants of relational attention (dat-spec §5, {@code ra_type}), each
 * head attending from x to the symbols s_j W_v:
 *
 * <pre>
 * rca:    out_i = Σ_j act(q_i·k_j / √hd) s_j W_v      act: softmax (causal: −∞ before it) or another
 *                                                      activation (causal: future pairs zeroed after it)
 * disrca: out_i = Σ_j α_ij·act(q^rel_i·k^rel_j / √hd) s_j W_v,   α = softmax(q^attn_i·k^attn_j / √hd)
 * </pre>
 *
 * then {@code W_o}. RoPE applies to the attention queries and keys only (disrca: not to the relation
 * ones). Parameters, as the reference names them: rca {@code wq}, {@code wk}, {@code wv},
 * {@code wo}; disrca {@code wq_attn}, {@code wk_attn}, {@code wq_rel}, {@code wk_rel}, {@code wv},
 * {@code wo}. disrca's relation keys are shared by the query heads when {@code n_kv_heads} is 1 and
 * per head when it equals {@code n_heads}, which is what the reference's broadcasting supports.
 *
 * <p>Deviation: at the reference's current HEAD these classes fail on construction (they call
 * {@code model_utils.get_activation_function} without importing {@code model_utils}); dat4j builds
 * them and matches the code with that import, the May-2024 code's (golden tests, crosschecked).
 */
public final class RelationalCrossAttention extends Module implements RelationalHeads {
    private final RaType type;
    private final RelationalAttentionConfig.Shape shape;
    private final Activation activation;
    private final boolean relativeSymbols;
    private final float dropout;
    private final Generator gen;
    private final Linear wq, wk, wqRel, wkRel, wv, wo;

    public RelationalCrossAttention(RelationalAttentionConfig.Shape shape, RelationalAttentionConfig options, double dropout,
                                    Generator gen) {
        this.type = options.type();
        if (type == RaType.RELATIONAL_ATTENTION) throw new IllegalArgumentException("ra_type 'relational_attention' is RelationalAttention");
        this.shape = shape;
        this.activation = options.relActivation();
        this.relativeSymbols = options.useRelativePositionalSymbols();
        this.dropout = (float) dropout;
        this.gen = gen;
        int d = shape.dModel(), h = shape.nHeads(), g = shape.nKvHeads(), hd = shape.headDim();
        boolean kvBias = options.addBiasKv();
        String attn = type == RaType.RCA ? "" : "_attn";
        this.wq = register("wq" + attn, new Linear(d, h * hd, false, gen));
        this.wk = register("wk" + attn, new Linear(d, g * hd, kvBias, gen));
        this.wqRel = type == RaType.DISRCA ? register("wq_rel", new Linear(d, h * hd, false, gen)) : null;
        this.wkRel = type == RaType.DISRCA ? register("wk_rel", new Linear(d, g * hd, kvBias, gen)) : null;
        this.wv = register("wv", new Linear(d, g * hd, kvBias, gen));
        this.wo = register("wo", new Linear(h * hd, h * hd, options.addBiasOut(), gen));
    }

    @Override
    public Linear[] queryKey() {
        if (type == RaType.RCA) throw new IllegalStateException("ra_type 'rca' has no attention projections to share");
        return new Linear[] {wq, wk};
    }

    @Override
    public Tensor forward(Tensor x, Tensor symbols, Rope rope, boolean causal) {
        int b = x.size(0), l = x.size(1), h = shape.nHeads(), g = shape.nKvHeads(), hd = shape.headDim();
        float scale = (float) (1 / Math.sqrt(hd));
        Tensor q = wq.forward(x).view(b, l, h, hd), k = wk.forward(x).view(b, l, g, hd);
        if (rope != null) {
            q = rope.apply(q);
            k = rope.apply(k);
        }
        Tensor scores;                                                    // (B, G, rep·L, L)
        if (type == RaType.DISRCA) {
            Tensor qr = wqRel.forward(x).view(b, l, h, hd), kr = wkRel.forward(x).view(b, l, g, hd);
            Tensor rel = HeadOps.activate(HeadOps.scores(qr, kr, scale), activation);
            scores = HeadOps.probabilities(q, k, scale, causal).mul(rel);
        } else if (activation == Activation.SOFTMAX) {
            scores = HeadOps.probabilities(q, k, scale, causal);
        } else {
            scores = HeadOps.activate(HeadOps.scores(q, k, scale), activation);
            if (causal) {                                                 // zero the future after the activation
                Tensor keep = Tensor.causalMask(l).neg().add(1f);
                scores = scores.view(b, g, h / g, l, l).mul(keep).view(b, g, h / g * l, l);
            }
        }
        scores = F.dropout(scores, dropout, isTraining(), gen);
        Tensor sv = wv.forward(symbols);
        Tensor out = relativeSymbols ? HeadOps.attendRelative(scores, sv, b, l, g, h / g, hd)
                : HeadOps.attend(scores, sv.view(b, l, g, hd), l);
        return F.dropout(wo.forward(HeadOps.concatHeads(out)), dropout, isTraining(), gen);
    }

    @Override
    public String toString() {
        return "RelationalCrossAttention(" + type.jsonName + ", " + shape + ", activation=" + activation.jsonName + ")";
    }
}
