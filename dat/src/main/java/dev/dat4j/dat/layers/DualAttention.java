package dev.dat4j.dat.layers;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.AttentionConfig;
import dev.dat4j.dat.config.CodeEra;
import dev.dat4j.dat.config.RaType;
import dev.dat4j.dat.config.RelationalAttentionConfig;

import java.util.List;

/**
 * Dual attention, dat-spec §5: {@code n_heads_sa} standard heads ({@code self_attention}) and
 * {@code n_heads_ra} relational heads ({@code relational_attention}: {@link RelationalAttention}, or
 * the {@code ra_type} ablation variants {@link RelationalCrossAttention}), all of width
 * {@code d_model / (n_sa + n_ra)}. The output is the SA output followed by the RA output along the
 * channels; there is no shared output projection. With {@code share_attn_params}, the SA query and
 * key projections are the RA attention ones.
 */
public final class DualAttention extends Module {
    private final Attention selfAttention;
    private final RelationalHeads relationalAttention;

    public DualAttention(int dModel, int nHeadsSa, int nHeadsRa, double dropout, AttentionConfig saKwargs,
                         RelationalAttentionConfig raKwargs, boolean shareAttnParams, CodeEra era, Generator gen) {
        int total = nHeadsSa + nHeadsRa;
        if (total <= 0) throw new IllegalArgumentException("dual attention needs at least one head");
        RelationalHeads ra = nHeadsRa > 0 ? relationalHeads(raKwargs.resolve("ra_kwargs", dModel, nHeadsRa, total, era),
                raKwargs, dropout, gen) : null;
        Attention sa = null;
        if (nHeadsSa > 0) {
            var saShape = saKwargs.resolve("sa_kwargs", dModel, nHeadsSa, total);
            sa = new Attention(saShape, saKwargs, dropout, gen, shareAttnParams ? ra.queryKey() : null);
        }
        // registration order = the reference's state-dict order: self_attention first
        this.selfAttention = sa == null ? null : register("self_attention", sa);
        this.relationalAttention = ra;
        if (ra != null) register("relational_attention", (Module) ra);
    }

    /** x (B, L, d), symbols for the RA heads (ignored without them) → (B, L, d). */
    public Tensor forward(Tensor x, Tensor symbols, Rope rope, boolean causal) {
        Tensor sa = selfAttention == null ? null : selfAttention.forward(x, rope, causal);
        Tensor ra = relationalAttention == null ? null : relationalAttention.forward(x, symbols, rope, causal);
        if (sa == null) return ra;
        if (ra == null) return sa;
        return Tensor.cat(List.of(sa, ra), -1);
    }

    /** The standard heads, or null. */
    public Attention selfAttention() {
        return selfAttention;
    }

    /** The relational heads, or null. */
    public RelationalHeads relationalAttention() {
        return relationalAttention;
    }

    /** The module of {@code ra_type}: relational attention, or the RCA / DisRCA ablation variants. */
    private static RelationalHeads relationalHeads(RelationalAttentionConfig.Shape shape, RelationalAttentionConfig options,
                                                   double dropout, Generator gen) {
        return options.type() == RaType.RELATIONAL_ATTENTION ? new RelationalAttention(shape, options, dropout, gen)
                : new RelationalCrossAttention(shape, options, dropout, gen);
    }
}
