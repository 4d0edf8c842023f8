package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A baseline Transformer block ({@code EncoderBlock} / {@code DecoderBlock}; dat-spec §6.5). Its
 * attention gets an output bias iff {@code bias}. A decoder block's cross-attention uses
 * {@code n_heads} (the reference ignores {@code n_heads_cross}, which is still required, as there).
 * {@code attnKwargs} exists for encoder blocks only (null for decoders).
 */
public record TransformerBlockConfig(int nHeads, Integer nHeadsCross, Integer dff, Activation activation,
                                     double dropoutRate, boolean normFirst, NormType normType, boolean bias,
                                     boolean causal, AttentionConfig attnKwargs) {

    public boolean isDecoder() {
        return nHeadsCross != null;
    }

    public int ffnDim(int dModel, CodeEra era) {
        return FeedForwardDims.dff(dff, activation, dModel, era);
    }

    /** The self-attention options: {@code attn_kwargs} plus {@code add_bias_out = bias}. */
    public AttentionConfig selfAttention() {
        AttentionConfig a = attnKwargs == null ? AttentionConfig.DEFAULT : attnKwargs;
        return new AttentionConfig(a.keyDim(), a.nKvHeads(), a.addBiasKv(), bias, a.symmetricAttn());
    }

    /** The decoder's cross-attention options (standard MHA with {@code n_heads}, output bias iff {@code bias}). */
    public AttentionConfig crossAttention() {
        return new AttentionConfig(null, null, false, bias, false);
    }

    /** Parses a block's keyword arguments, e.g. a seq2seq {@code encoder_kwargs} object. */
    public static TransformerBlockConfig fromJson(Map<String, Object> json, CodeEra era, boolean decoder) {
        return read(new ConfigReader(json, ""), era, decoder);
    }

    static TransformerBlockConfig read(ConfigReader r, CodeEra era, boolean decoder) {
        int heads = r.requirePositiveInt("n_heads");
        Integer cross = decoder ? Integer.valueOf(r.requirePositiveInt("n_heads_cross")) : null;
        AttentionConfig attn = null;
        if (!decoder) {
            era.requireAvailable(r.has("attn_kwargs"), r.field("attn_kwargs"));
            attn = readAttnKwargs(r.object("attn_kwargs"), era);
        }
        TransformerBlockConfig c = new TransformerBlockConfig(heads, cross, r.optPositiveInt("dff"),
                Activation.read(r, "activation", null, true), r.requireRate("dropout_rate"), r.requireBool("norm_first"),
                NormType.read(r, "norm_type"), r.getBool("bias", true), r.getBool("causal", false), attn);
        r.finish();
        return c;
    }

    /** {@code attn_kwargs}: attention options except {@code add_bias_out}, which the block sets from {@code bias}. */
    static AttentionConfig readAttnKwargs(ConfigReader r, CodeEra era) {
        if (r.has("add_bias_out")) {
            throw r.error("add_bias_out", "is set by the block's 'bias' flag (the reference fails with "
                    + "'multiple values for add_bias_out')");
        }
        return AttentionConfig.read(r, era);
    }

    void check(String where, int dModel, CodeEra era) {
        selfAttention().resolve(Checks.field(where, "attn_kwargs"), dModel, nHeads, nHeads);
        if (isDecoder()) crossAttention().resolve(where, dModel, nHeads, nHeads);
        ffnDim(dModel, era);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_heads", nHeads);
        if (nHeadsCross != null) m.put("n_heads_cross", nHeadsCross);
        m.put("dff", dff);
        m.put("activation", activation.jsonName);
        m.put("dropout_rate", dropoutRate);
        m.put("norm_first", normFirst);
        m.put("norm_type", normType.jsonName);
        m.put("bias", bias);
        m.put("causal", causal);
        if (attnKwargs != null && !attnKwargs.equals(AttentionConfig.DEFAULT)) m.put("attn_kwargs", attnKwargs.toJson());
        return m;
    }
}
