package dev.dat4j.dat.config;

import dev.dat4j.autograd.io.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelConfigTest {

    static String resource(String name) {
        try (InputStream in = ModelConfigTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    @Test
    void everyFixtureAndSpecConfigParsesAndRoundTrips() {
        int n = 0;
        for (Map<String, Object> c : list(Json.parseObject(resource("/golden/index.json")), "cases")) {
            if (!c.get("kind").equals("model")) continue;
            roundTrip(Json.write(c.get("kwargs")));
            n++;
        }
        for (Map<String, Object> c : list(Json.parseObject(resource("/golden/param_counts.json")), "configs")) {
            roundTrip(Json.write(c.get("config")));
            n++;
        }
        assertTrue(n > 30, "configs checked: " + n);
    }

    private static void roundTrip(String json) {
        ModelConfig c = ModelConfig.parse(json);
        ModelConfig again = ModelConfig.parse(c.toJsonString());
        assertEquals(c, again, json);
        assertEquals(c.toJson(), again.toJson());
    }

    static final String LM = """
            {"model": "DualAttnTransformerLM", "vocab_size": 100, "d_model": 64, "n_layers": 2, "n_heads_sa": 4,
             "n_heads_ra": 4, "symbol_retrieval": "symbolic_attention",
             "symbol_retrieval_kwargs": {"d_model": 64, "n_heads": 4, "n_symbols": 16}, "dff": null,
             "dropout_rate": 0.1, "activation": "swiglu", "norm_first": true, "max_block_size": 32 %s}""";

    static DualAttnTransformerLMConfig lm(String extra) {
        return ModelConfig.parse(LM.formatted(extra), DualAttnTransformerLMConfig.class);
    }

    static String error(String extra) {
        return assertThrows(ConfigException.class, () -> lm(extra)).getMessage();
    }

    @Test
    void defaultsFollowTheCurrentCodeAndEra1IsSelectable() {
        DualAttnTransformerLMConfig head = lm("");
        assertEquals(CodeEra.ERA2, head.codeEra());
        assertEquals("pos_emb", head.posEncType());
        assertEquals(170, head.block().ffnDim(64, head.codeEra()), "int(2/3*4*64)");
        var shape = head.raKwargs().resolve("ra_kwargs", 64, 4, 8, head.codeEra());
        assertEquals(8, shape.relProjDim(), "era 2: rel_proj_dim = head_dim");
        assertEquals(4, shape.nRelations());

        DualAttnTransformerLMConfig era1 = lm(", \"code_era\": 1, \"ra_kwargs\": {\"n_relations\": 3}");
        assertEquals(256, era1.block().ffnDim(64, era1.codeEra()), "era 1: 4*d for SwiGLU too");
        assertEquals(21, era1.raKwargs().resolve("ra_kwargs", 64, 4, 8, era1.codeEra()).relProjDim(), "64 // 3");
    }

    @Test
    void raTypeSelectsTheAblationVariantsWithTheirOwnKeywords() {
        DualAttnTransformerLMConfig rca = lm(", \"ra_type\": \"rca\", \"ra_kwargs\": {\"activation\": \"relu\", \"n_kv_heads\": 1}");
        assertEquals(RaType.RCA, rca.raKwargs().type());
        assertEquals(Activation.RELU, rca.raKwargs().relActivation());
        DualAttnTransformerLMConfig disrca = lm(", \"ra_type\": \"disrca\"");
        assertEquals(RaType.DISRCA, disrca.raKwargs().type());
        assertEquals(Activation.IDENTITY, disrca.raKwargs().relActivation(), "disrca's rel_activation defaults to identity");
        assertEquals(Activation.SOFTMAX, lm(", \"ra_type\": \"rca\"").raKwargs().relActivation(), "rca's activation: softmax");
        for (DualAttnTransformerLMConfig c : new DualAttnTransformerLMConfig[] {rca, disrca}) {
            assertEquals(c.toJson(), ModelConfig.parse(c.toJsonString()).toJson(), "round trip of " + c.raKwargs().type());
        }
    }

    @Test
    void unknownKeysAreNamedWithTheAcceptedOnes() {
        String top = error(", \"n_head\": 4");
        assertTrue(top.contains("'n_head'") && top.contains("accepted keys") && top.contains("n_heads_sa"), top);
        String nested = error(", \"ra_kwargs\": {\"n_relation\": 2}");
        assertTrue(nested.contains("'n_relation'") && nested.contains("'ra_kwargs'") && nested.contains("n_relations"), nested);
    }

    @Test
    void wrongTypesAndMissingFieldsNameTheField() {
        assertTrue(error(", \"bias\": \"yes\"").contains("'bias': expected true or false"));
        String missing = assertThrows(ConfigException.class, () -> ModelConfig.parse("{\"model\": \"TransformerLM\"}"))
                .getMessage();
        assertTrue(missing.contains("'vocab_size': is required"), missing);
        String model = assertThrows(ConfigException.class, () -> ModelConfig.parse("{\"model\": \"GPT\"}")).getMessage();
        assertTrue(model.contains("'model'") && model.contains("DualAttnTransformerLM"), model);
        assertTrue(error(", \"dropout_rate\": 1.5").contains("must be in [0, 1)"));
    }

    @Test
    void invalidCombinationsAreRejected() {
        String rp = error(", \"ra_kwargs\": {\"n_relations\": 3}");
        assertTrue(rp.contains("rel_proj_dim * n_relations must equal head_dim * n_heads"), rp);
        String rpHint = error(", \"ra_kwargs\": {\"n_relations\": 2}");
        assertTrue(rpHint.contains("pass rel_proj_dim = 16"), rpHint);
        assertTrue(error(", \"sa_kwargs\": {\"n_kv_heads\": 3}").contains("sa_kwargs.n_kv_heads"));
        assertTrue(error(", \"ra_kwargs\": {\"symmetric_attn\": true, \"n_kv_heads\": 2}").contains("symmetric_attn"));
        assertTrue(error(", \"ra_kwargs\": {\"use_relative_positional_symbols\": true}")
                .contains("use_relative_positional_symbols"));
        assertTrue(error(", \"share_attn_params\": true, \"sa_kwargs\": {\"n_kv_heads\": 2}").contains("share_attn_params"));
        assertTrue(error(", \"ra_type\": \"rca\", \"share_attn_params\": true").contains("no attention projections"));
        assertTrue(error(", \"ra_type\": \"disrca\", \"ra_kwargs\": {\"n_kv_heads\": 2}").contains("must be 1 or n_heads"));
        String rcaKey = error(", \"ra_type\": \"rca\", \"ra_kwargs\": {\"n_relations\": 2}");
        assertTrue(rcaKey.contains("'n_relations'") && rcaKey.contains("activation"), rcaKey);
        assertTrue(error(", \"ra_type\": \"mha\"").contains("ra_type"));
        assertTrue(error(", \"code_era\": 1, \"sa_kwargs\": {\"key_dim\": 4}").contains("not available with code_era 1"));
        assertTrue(error(", \"code_era\": 3").contains("code_era"));
        assertTrue(error(", \"pos_enc_type\": \"RoPE\", \"sa_kwargs\": {\"key_dim\": 6}").contains("key_dim == head_dim"));
        String width = assertThrows(ConfigException.class, () -> ModelConfig.parse(LM.formatted("")
                .replace("\"d_model\": 64, \"n_heads\": 4", "\"d_model\": 32, \"n_heads\": 4"))).getMessage();
        assertTrue(width.contains("d_model is 64"), width);
    }

    @Test
    void seq2seqAndVisionQuirks() {
        var s2s = ModelConfig.parse("""
                {"model": "Seq2SeqDualAttnTransformer", "input_spec": {"type": "token", "vocab_size": 10},
                 "output_spec": {"type": "token", "vocab_size": 12}, "symbol_retrieval": "position_relative",
                 "symbol_retrieval_kwargs": {"symbol_dim": 16, "max_rel_pos": 4}, "d_model": 16, "out_dim": 12,
                 "n_layers_enc": 3, "n_layers_dec": 1,
                 "encoder_kwargs": {"n_heads_sa": 2, "n_heads_ra": 2, "dff": 32, "activation": "relu",
                   "dropout_rate": 0.1, "norm_first": false, "ra_kwargs": {"use_relative_positional_symbols": true}},
                 "decoder_kwargs": {"n_heads_sa": 4, "n_heads_ra": 0, "n_heads_cross": 4, "dff": 32,
                   "activation": "relu", "dropout_rate": 0.1, "norm_first": false},
                 "in_block_size": 8, "out_block_size": 8}""", Seq2SeqDualAttnTransformerConfig.class);
        assertEquals(3, s2s.decoderDepth(), "the reference builds n_layers_enc decoder blocks");
        assertTrue(s2s.decoder().causal() && !s2s.encoder().causal());

        var vit = assertInstanceOf(VisionDualAttnTransformerConfig.class, ModelConfig.parse("""
                {"model": "VisionDualAttnTransformer", "code_era": 1, "image_shape": [3, 36, 36], "patch_size": [12, 12],
                 "num_classes": 2, "d_model": 128, "n_layers": 2, "n_heads_sa": 1, "n_heads_ra": 1, "dff": 256,
                 "dropout_rate": 0.1, "activation": "swiglu", "norm_first": true,
                 "symbol_retrieval": "positional_symbols", "symbol_retrieval_kwargs": {"symbol_dim": 128, "max_length": 10},
                 "ra_kwargs": {"symmetric_rels": true, "n_relations": 1}, "bias": false, "pool": "mean"}"""));
        assertEquals(10, vit.geometry().numTokens());
        assertEquals(432, vit.geometry().patchDim());
        assertTrue(!vit.finalNorm(), "era 1 has no final norm");
        String patch = assertThrows(ConfigException.class, () -> ModelConfig.parse(vit.toJsonString()
                .replace("\"patch_size\":[12,12]", "\"patch_size\":[5,12]"))).getMessage();
        assertTrue(patch.contains("patch_size"), patch);
    }
}
