package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code VisionDualAttnTransformer} (dat-spec §7.3): patches → LayerNorm → Linear → LayerNorm, a cls
 * token, learned positions, non-causal DAT encoder blocks (their {@code bias} = FFN biases), then
 * cls or mean pooling (the mean includes the cls token) and an optional final norm before the classifier.
 */
public record VisionDualAttnTransformerConfig(CodeEra codeEra, VisionGeometry geometry, int numClasses, int dModel,
                                              int nLayers, int nHeadsSa, int nHeadsRa, Integer dff, double dropoutRate,
                                              Activation activation, boolean normFirst,
                                              SymbolRetrieverConfig symbolRetrieval, boolean updateSymbolsEachLayer,
                                              boolean useRope, RelationalAttentionConfig raKwargs,
                                              AttentionConfig saKwargs, NormType normType, boolean finalNorm,
                                              boolean bias, String pool) implements ModelConfig {
    public static final String NAME = "VisionDualAttnTransformer";

    public VisionDualAttnTransformerConfig {
        DualAttnBlockConfig block = new DualAttnBlockConfig(nHeadsSa, nHeadsRa, null, dff, activation, dropoutRate,
                normFirst, normType, saKwargs, raKwargs, null, false, bias, false);
        block.check("", dModel, codeEra);
        SymbolRetrieverConfig.check(symbolRetrieval, dModel, raKwargs, nHeadsRa, "ra_kwargs");
        if (useRope) Checks.ropeBlock("use_rope", dModel, block);
    }

    public String modelName() {
        return NAME;
    }

    /** Every block: a non-causal DAT encoder block. */
    public DualAttnBlockConfig block() {
        return new DualAttnBlockConfig(nHeadsSa, nHeadsRa, null, dff, activation, dropoutRate, normFirst, normType,
                saKwargs, raKwargs, null, false, bias, false);
    }

    static VisionDualAttnTransformerConfig read(ConfigReader r) {
        CodeEra era = CodeEra.read(r);
        VisionGeometry geo = VisionGeometry.read(r);
        int classes = r.requirePositiveInt("num_classes");
        int d = r.requirePositiveInt("d_model");
        int layers = r.requirePositiveInt("n_layers");
        int sa = r.requireNonNegativeInt("n_heads_sa");
        int ra = r.requireNonNegativeInt("n_heads_ra");
        Integer dff = r.optPositiveInt("dff");
        double dropout = r.requireRate("dropout_rate");
        Activation act = Activation.read(r, "activation", null, true);
        boolean normFirst = r.requireBool("norm_first");
        SymbolRetrieverConfig sym = SymbolRetrieverConfig.read(r, null);
        boolean update = r.getBool("update_symbols_each_layer", true);
        era.requireAvailable(!update, "update_symbols_each_layer");
        boolean rope = r.getBool("use_rope", false);
        era.requireAvailable(rope, "use_rope");
        RelationalAttentionConfig raKw = RelationalAttentionConfig.read(r.object("ra_kwargs"), era, RaType.read(r));
        AttentionConfig saKw = AttentionConfig.read(r.object("sa_kwargs"), era);
        NormType norm = NormType.read(r, "norm_type");
        boolean finalNorm = r.getBool("final_norm", !era.isEra1());
        era.requireAvailable(finalNorm, "final_norm");
        boolean bias = r.getBool("bias", true);
        String pool = r.getChoice("pool", "cls", "cls", "mean");
        r.finish();
        return new VisionDualAttnTransformerConfig(era, geo, classes, d, layers, sa, ra, dff, dropout, act, normFirst, sym,
                update, rope, raKw, saKw, norm, finalNorm, bias, pool);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", NAME);
        m.put("code_era", codeEra.number);
        m.put("image_shape", geometry.imageShapeJson());
        m.put("patch_size", geometry.patchSizeJson());
        m.put("num_classes", numClasses);
        m.put("d_model", dModel);
        m.put("n_layers", nLayers);
        m.put("n_heads_sa", nHeadsSa);
        m.put("n_heads_ra", nHeadsRa);
        m.put("dff", dff);
        m.put("dropout_rate", dropoutRate);
        m.put("activation", activation.jsonName);
        m.put("norm_first", normFirst);
        SymbolRetrieverConfig.write(symbolRetrieval, m);
        m.put("update_symbols_each_layer", updateSymbolsEachLayer);
        m.put("use_rope", useRope);
        m.put("ra_type", raKwargs.type().jsonName);
        m.put("ra_kwargs", raKwargs.toJson());
        m.put("sa_kwargs", saKwargs.toJson());
        m.put("norm_type", normType.jsonName);
        m.put("final_norm", finalNorm);
        m.put("bias", bias);
        m.put("pool", pool);
        return m;
    }
}
