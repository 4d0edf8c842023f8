package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code TransformerLM} (dat-spec §7.1), the baseline causal language model; {@code bias} is honoured
 * (attention output and FFN biases). {@code block_kwargs} may hold {@code attn_kwargs};
 * {@code use_flash_attention} is accepted and has no numerical effect.
 */
public record TransformerLMConfig(CodeEra codeEra, int vocabSize, int dModel, int nLayers, int nHeads, Integer dff,
                                  double dropoutRate, Activation activation, boolean normFirst, int maxBlockSize,
                                  NormType normType, boolean bias, String posEncType, AttentionConfig attnKwargs)
        implements ModelConfig {
    public static final String NAME = "TransformerLM";

    public TransformerLMConfig {
        new TransformerBlockConfig(nHeads, null, dff, activation, dropoutRate, normFirst, normType, bias, true, attnKwargs)
                .check("", dModel, codeEra);
        if (posEncType.equals("RoPE")) Checks.rope("pos_enc_type", dModel / nHeads, attnKwargs.keyDim(), null);
    }

    public String modelName() {
        return NAME;
    }

    public boolean usesRope() {
        return posEncType.equals("RoPE");
    }

    /** Every block: a causal baseline encoder block. */
    public TransformerBlockConfig block() {
        return new TransformerBlockConfig(nHeads, null, dff, activation, dropoutRate, normFirst, normType, bias, true,
                attnKwargs);
    }

    static TransformerLMConfig read(ConfigReader r) {
        CodeEra era = CodeEra.read(r);
        int vocab = r.requirePositiveInt("vocab_size");
        int d = r.requirePositiveInt("d_model");
        int layers = r.requirePositiveInt("n_layers");
        int heads = r.requirePositiveInt("n_heads");
        Integer dff = r.optPositiveInt("dff");
        double dropout = r.requireRate("dropout_rate");
        Activation act = Activation.read(r, "activation", null, true);
        boolean normFirst = r.requireBool("norm_first");
        int block = r.requirePositiveInt("max_block_size");
        NormType norm = NormType.read(r, "norm_type");
        era.requireAvailable(norm != NormType.LAYERNORM, "norm_type");
        boolean bias = r.getBool("bias", true);
        String pos = r.getChoice("pos_enc_type", "pos_emb", "pos_emb", "RoPE");
        r.getBool("use_flash_attention", true);
        era.requireAvailable(r.has("block_kwargs"), "block_kwargs");
        ConfigReader bk = r.object("block_kwargs");
        AttentionConfig attn = TransformerBlockConfig.readAttnKwargs(bk.object("attn_kwargs"), era);
        bk.finish();
        r.finish();
        return new TransformerLMConfig(era, vocab, d, layers, heads, dff, dropout, act, normFirst, block, norm, bias, pos,
                attn);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", NAME);
        m.put("code_era", codeEra.number);
        m.put("vocab_size", vocabSize);
        m.put("d_model", dModel);
        m.put("n_layers", nLayers);
        m.put("n_heads", nHeads);
        m.put("dff", dff);
        m.put("dropout_rate", dropoutRate);
        m.put("activation", activation.jsonName);
        m.put("norm_first", normFirst);
        m.put("max_block_size", maxBlockSize);
        m.put("norm_type", normType.jsonName);
        m.put("bias", bias);
        m.put("pos_enc_type", posEncType);
        if (!attnKwargs.equals(AttentionConfig.DEFAULT)) m.put("block_kwargs", Map.of("attn_kwargs", attnKwargs.toJson()));
        return m;
    }
}
