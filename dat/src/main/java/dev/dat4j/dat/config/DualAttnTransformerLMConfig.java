package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code DualAttnTransformerLM} (dat-spec §7.1): a causal DAT language model. {@code bias} is accepted
 * but, as in the reference, not forwarded to the blocks (their FFN biases are always on).
 * {@code pos_enc_type} is {@code "pos_emb"} (learned absolute positions) or {@code "RoPE"}.
 */
public record DualAttnTransformerLMConfig(CodeEra codeEra, int vocabSize, int dModel, int nLayers, int nHeadsSa,
                                          int nHeadsRa, SymbolRetrieverConfig symbolRetrieval, Integer dff,
                                          double dropoutRate, Activation activation, boolean normFirst,
                                          int maxBlockSize, NormType normType, AttentionConfig saKwargs,
                                          RelationalAttentionConfig raKwargs, boolean shareAttnParams,
                                          boolean sharedSymbolRetriever, boolean weightTieSymbolLibrary,
                                          String posEncType, boolean bias) implements ModelConfig {
    public static final String NAME = "DualAttnTransformerLM";

    public DualAttnTransformerLMConfig {
        DualAttnBlockConfig block = blockOf(nHeadsSa, nHeadsRa, dff, activation, dropoutRate, normFirst, normType,
                saKwargs, raKwargs, shareAttnParams);
        block.check("", dModel, codeEra);
        SymbolRetrieverConfig.check(symbolRetrieval, dModel, raKwargs, nHeadsRa, "ra_kwargs");
        if (posEncType.equals("RoPE")) Checks.ropeBlock("pos_enc_type", dModel, block);
        if (!sharedSymbolRetriever && weightTieSymbolLibrary && symbolRetrieval instanceof SymbolRetrieverConfig.PositionRelative) {
            throw new ConfigException("config field 'symbol_retriever_config.weight_tie_symbol_library': not available "
                    + "for position-relative symbols (the reference raises NotImplementedError)");
        }
    }

    public String modelName() {
        return NAME;
    }

    public boolean usesRope() {
        return posEncType.equals("RoPE");
    }

    /** The configuration of every block: causal DAT encoder blocks with FFN biases on. */
    public DualAttnBlockConfig block() {
        return blockOf(nHeadsSa, nHeadsRa, dff, activation, dropoutRate, normFirst, normType, saKwargs, raKwargs,
                shareAttnParams);
    }

    private static DualAttnBlockConfig blockOf(int sa, int ra, Integer dff, Activation act, double dropout,
                                               boolean normFirst, NormType norm, AttentionConfig saKw,
                                               RelationalAttentionConfig raKw, boolean share) {
        return new DualAttnBlockConfig(sa, ra, null, dff, act, dropout, normFirst, norm, saKw, raKw, null, share, true, true);
    }

    static DualAttnTransformerLMConfig read(ConfigReader r) {
        CodeEra era = CodeEra.read(r);
        int vocab = r.requirePositiveInt("vocab_size");
        int d = r.requirePositiveInt("d_model");
        int layers = r.requirePositiveInt("n_layers");
        int sa = r.requireNonNegativeInt("n_heads_sa");
        int ra = r.requireNonNegativeInt("n_heads_ra");
        SymbolRetrieverConfig sym = SymbolRetrieverConfig.read(r, "symbolic_attention");
        Integer dff = r.optPositiveInt("dff");
        double dropout = r.requireRate("dropout_rate");
        Activation act = Activation.read(r, "activation", null, true);
        boolean normFirst = r.requireBool("norm_first");
        int block = r.requirePositiveInt("max_block_size");
        NormType norm = NormType.read(r, "norm_type");
        era.requireAvailable(norm != NormType.LAYERNORM, "norm_type");
        AttentionConfig saKw = AttentionConfig.read(r.object("sa_kwargs"), era);
        RelationalAttentionConfig raKw = RelationalAttentionConfig.read(r.object("ra_kwargs"), era, RaType.read(r));
        boolean share = DualAttnBlockConfig.readShare(r, era);
        era.requireAvailable(r.has("symbol_retriever_config"), "symbol_retriever_config");
        ConfigReader src = r.object("symbol_retriever_config");
        boolean shared = src.getBool("shared_symbol_retriever", true);
        boolean tie = src.getBool("weight_tie_symbol_library", false);
        src.finish();
        String pos = r.getChoice("pos_enc_type", "pos_emb", "pos_emb", "RoPE");
        boolean bias = r.getBool("bias", true);
        r.finish();
        return new DualAttnTransformerLMConfig(era, vocab, d, layers, sa, ra, sym, dff, dropout, act, normFirst, block,
                norm, saKw, raKw, share, shared, tie, pos, bias);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", NAME);
        m.put("code_era", codeEra.number);
        m.put("vocab_size", vocabSize);
        m.put("d_model", dModel);
        m.put("n_layers", nLayers);
        m.put("n_heads_sa", nHeadsSa);
        m.put("n_heads_ra", nHeadsRa);
        SymbolRetrieverConfig.write(symbolRetrieval, m);
        m.put("dff", dff);
        m.put("dropout_rate", dropoutRate);
        m.put("activation", activation.jsonName);
        m.put("norm_first", normFirst);
        m.put("max_block_size", maxBlockSize);
        m.put("norm_type", normType.jsonName);
        m.put("sa_kwargs", saKwargs.toJson());
        m.put("ra_kwargs", raKwargs.toJson());
        m.put("ra_type", raKwargs.type().jsonName);
        if (shareAttnParams) m.put("share_attn_params", true);
        if (!sharedSymbolRetriever || weightTieSymbolLibrary) {
            m.put("symbol_retriever_config", Map.of("shared_symbol_retriever", sharedSymbolRetriever,
                    "weight_tie_symbol_library", weightTieSymbolLibrary));
        }
        m.put("pos_enc_type", posEncType);
        m.put("bias", bias);
        return m;
    }
}
