package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code VisionTransformer} (dat-spec §7.3), the baseline ViT: the vision skeleton with baseline encoder blocks. */
public record VisionTransformerConfig(CodeEra codeEra, VisionGeometry geometry, int numClasses, int dModel, int nLayers,
                                      int nHeads, Integer dff, double dropoutRate, Activation activation,
                                      boolean normFirst, boolean useRope, NormType normType, boolean finalNorm,
                                      boolean bias, AttentionConfig attnKwargs, String pool) implements ModelConfig {
    public static final String NAME = "VisionTransformer";

    public VisionTransformerConfig {
        new TransformerBlockConfig(nHeads, null, dff, activation, dropoutRate, normFirst, normType, bias, false, attnKwargs)
                .check("", dModel, codeEra);
        if (useRope) Checks.rope("use_rope", dModel / nHeads, attnKwargs.keyDim(), null);
    }

    public String modelName() {
        return NAME;
    }

    /** Every block: a non-causal baseline encoder block. */
    public TransformerBlockConfig block() {
        return new TransformerBlockConfig(nHeads, null, dff, activation, dropoutRate, normFirst, normType, bias, false,
                attnKwargs);
    }

    static VisionTransformerConfig read(ConfigReader r) {
        CodeEra era = CodeEra.read(r);
        VisionGeometry geo = VisionGeometry.read(r);
        int classes = r.requirePositiveInt("num_classes");
        int d = r.requirePositiveInt("d_model");
        int layers = r.requirePositiveInt("n_layers");
        int heads = r.requirePositiveInt("n_heads");
        Integer dff = r.optPositiveInt("dff");
        double dropout = r.requireRate("dropout_rate");
        Activation act = Activation.read(r, "activation", null, true);
        boolean normFirst = r.requireBool("norm_first");
        boolean rope = r.getBool("use_rope", false);
        era.requireAvailable(rope, "use_rope");
        NormType norm = NormType.read(r, "norm_type");
        boolean finalNorm = r.getBool("final_norm", !era.isEra1());
        era.requireAvailable(finalNorm, "final_norm");
        boolean bias = r.getBool("bias", true);
        era.requireAvailable(r.has("attn_kwargs"), "attn_kwargs");
        AttentionConfig attn = TransformerBlockConfig.readAttnKwargs(r.object("attn_kwargs"), era);
        String pool = r.getChoice("pool", "cls", "cls", "mean");
        r.finish();
        return new VisionTransformerConfig(era, geo, classes, d, layers, heads, dff, dropout, act, normFirst, rope, norm,
                finalNorm, bias, attn, pool);
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
        m.put("n_heads", nHeads);
        m.put("dff", dff);
        m.put("dropout_rate", dropoutRate);
        m.put("activation", activation.jsonName);
        m.put("norm_first", normFirst);
        m.put("use_rope", useRope);
        m.put("norm_type", normType.jsonName);
        m.put("final_norm", finalNorm);
        m.put("bias", bias);
        if (!attnKwargs.equals(AttentionConfig.DEFAULT)) m.put("attn_kwargs", attnKwargs.toJson());
        m.put("pool", pool);
        return m;
    }
}
