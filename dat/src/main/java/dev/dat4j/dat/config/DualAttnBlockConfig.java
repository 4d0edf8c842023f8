package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DAT encoder or decoder block ({@code DualAttnEncoderBlock} / {@code DualAttnDecoderBlock};
 * dat-spec §6.3–6.4), e.g. the {@code encoder_kwargs} of a seq2seq config. {@code nHeadsCross} and
 * {@code crossKwargs} are null for encoder blocks. {@code bias} controls only the FFN biases.
 */
public record DualAttnBlockConfig(int nHeadsSa, int nHeadsRa, Integer nHeadsCross, Integer dff, Activation activation,
                                  double dropoutRate, boolean normFirst, NormType normType, AttentionConfig saKwargs,
                                  RelationalAttentionConfig raKwargs, AttentionConfig crossKwargs,
                                  boolean shareAttnParams, boolean bias, boolean causal) {

    public boolean isDecoder() {
        return nHeadsCross != null;
    }

    public int totalHeads() {
        return nHeadsSa + nHeadsRa;
    }

    /** The FFN width after the era's default rule. */
    public int ffnDim(int dModel, CodeEra era) {
        return FeedForwardDims.dff(dff, activation, dModel, era);
    }

    /** Parses a block's keyword arguments, e.g. a seq2seq {@code encoder_kwargs} object. */
    public static DualAttnBlockConfig fromJson(Map<String, Object> json, CodeEra era, boolean decoder) {
        return read(new ConfigReader(json, ""), era, decoder);
    }

    static DualAttnBlockConfig read(ConfigReader r, CodeEra era, boolean decoder) {
        int sa = r.requireNonNegativeInt("n_heads_sa");
        int ra = r.requireNonNegativeInt("n_heads_ra");
        Integer cross = decoder ? Integer.valueOf(r.requirePositiveInt("n_heads_cross")) : null;
        RaType raType = RaType.read(r);
        DualAttnBlockConfig c = new DualAttnBlockConfig(sa, ra, cross, r.optPositiveInt("dff"),
                Activation.read(r, "activation", null, true), r.requireRate("dropout_rate"), r.requireBool("norm_first"),
                NormType.read(r, "norm_type"), AttentionConfig.read(r.object("sa_kwargs"), era),
                RelationalAttentionConfig.read(r.object("ra_kwargs"), era, raType),
                decoder ? AttentionConfig.read(r.object("cross_kwargs"), era) : null,
                readShare(r, era), r.getBool("bias", true), r.getBool("causal", decoder));
        r.finish();
        return c;
    }

    static boolean readShare(ConfigReader r, CodeEra era) {
        boolean share = r.getBool("share_attn_params", false);
        era.requireAvailable(share, r.field("share_attn_params"));
        return share;
    }

    /** Checks head counts and the attention layouts for a model of width {@code dModel}. */
    void check(String where, int dModel, CodeEra era) {
        if (totalHeads() == 0) {
            throw new ConfigException("config '" + (where.isEmpty() ? "model" : where) + "': n_heads_sa + n_heads_ra must be > 0");
        }
        AttentionConfig.Shape saShape = nHeadsSa > 0 ? saKwargs.resolve(Checks.field(where, "sa_kwargs"), dModel, nHeadsSa, totalHeads()) : null;
        RelationalAttentionConfig.Shape raShape =
                nHeadsRa > 0 ? raKwargs.resolve(Checks.field(where, "ra_kwargs"), dModel, nHeadsRa, totalHeads(), era) : null;
        if (shareAttnParams && raKwargs.type() == RaType.RCA) {
            throw new ConfigException("config field '" + Checks.field(where, "share_attn_params") + "': ra_type 'rca' has no "
                    + "attention projections wq_attn/wk_attn to share (the reference fails the same way)");
        }
        if (shareAttnParams) {
            if (saShape == null || raShape == null || nHeadsSa != nHeadsRa || saShape.keyDim() != raShape.keyDim()
                    || saShape.nKvHeads() != raShape.nKvHeads()) {
                throw new ConfigException("config field '" + Checks.field(where, "share_attn_params") + "': needs n_heads_sa == n_heads_ra"
                        + " > 0 and equal key_dim and n_kv_heads in sa_kwargs and ra_kwargs");
            }
        }
        if (isDecoder()) crossKwargs.resolve(Checks.field(where, "cross_kwargs"), dModel, nHeadsCross, nHeadsCross);
        ffnDim(dModel, era);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_heads_sa", nHeadsSa);
        m.put("n_heads_ra", nHeadsRa);
        if (nHeadsCross != null) m.put("n_heads_cross", nHeadsCross);
        m.put("dff", dff);
        m.put("activation", activation.jsonName);
        m.put("dropout_rate", dropoutRate);
        m.put("norm_first", normFirst);
        m.put("norm_type", normType.jsonName);
        m.put("sa_kwargs", saKwargs.toJson());
        m.put("ra_kwargs", raKwargs.toJson());
        if (raKwargs.type() != RaType.RELATIONAL_ATTENTION) m.put("ra_type", raKwargs.type().jsonName);
        if (crossKwargs != null) m.put("cross_kwargs", crossKwargs.toJson());
        if (shareAttnParams) m.put("share_attn_params", true);
        m.put("bias", bias);
        m.put("causal", causal);
        return m;
    }
}
