package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.dat.config.DualAttnTransformerLMConfig;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.config.TransformerLMConfig;
import dev.dat4j.dat.symbols.PositionRelativeSymbolRetriever;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Properties of the models that hold for any weights: causality, symbol indexing, SA-only DAT = Transformer. */
class ModelBehaviourTest {

    static final String DAT_LM = """
            {"model": "DualAttnTransformerLM", "vocab_size": 23, "d_model": 16, "n_layers": 2, "n_heads_sa": 2,
             "n_heads_ra": 2, "symbol_retrieval": "%s", "symbol_retrieval_kwargs": %s, "dff": 32,
             "dropout_rate": 0.0, "activation": "gelu", "norm_first": true, "max_block_size": 12 %s}""";

    static DualAttnTransformerLM datLm(String retrieval, String kwargs, String extra, long seed) {
        var c = ModelConfig.parse(DAT_LM.formatted(retrieval, kwargs, extra), DualAttnTransformerLMConfig.class);
        DualAttnTransformerLM m = new DualAttnTransformerLM(c, new Generator(seed));
        m.eval();
        return m;
    }

    /**
     * Bitwise: a masked attention weight is exactly 0, so future positions add exact zeros. (Not true
     * with {@code rel_activation: softmax}: the reference normalises relations over all senders j,
     * future ones included, so that setting leaks the future; dat4j reproduces it.)
     */
    @Test
    void changingFutureTokensNeverChangesPastLogits() {
        try (Scope _ = Scope.open(Backends.cpu()); var _ = GradMode.noGrad()) {
            LanguageModel[] models = {
                    datLm("symbolic_attention", "{\"d_model\": 16, \"n_heads\": 2, \"n_symbols\": 5}", ", \"pos_enc_type\": \"RoPE\"", 1),
                    datLm("position_relative", "{\"symbol_dim\": 16, \"max_rel_pos\": 4}",
                            ", \"ra_kwargs\": {\"use_relative_positional_symbols\": true, \"rel_activation\": \"tanh\"}", 2),
                    datLm("positional_symbols", "{\"symbol_dim\": 16, \"max_length\": 12}", ", \"code_era\": 1", 3),
                    // the ra_type ablation variants: RCA zeroes future pairs after a non-softmax activation
                    datLm("symbolic_attention", "{\"d_model\": 16, \"n_heads\": 2, \"n_symbols\": 5}",
                            ", \"ra_type\": \"rca\", \"ra_kwargs\": {\"activation\": \"relu\"}", 4),
                    datLm("symbolic_attention", "{\"d_model\": 16, \"n_heads\": 2, \"n_symbols\": 5}",
                            ", \"ra_type\": \"disrca\", \"pos_enc_type\": \"RoPE\"", 5)};
            int t = 10, cut = 6;
            int[] a = new int[t], b = new int[t];
            for (int i = 0; i < t; i++) {
                a[i] = (i * 7) % 23;
                b[i] = i < cut ? a[i] : (a[i] + 5) % 23;
            }
            for (LanguageModel m : models) {
                float[] la = m.forward(Tensor.ofInts(a, 1, t)).toFloatArray();
                float[] lb = m.forward(Tensor.ofInts(b, 1, t)).toFloatArray();
                int v = m.vocabSize();
                for (int i = 0; i < cut * v; i++) assertEquals(la[i], lb[i], "past logit " + i);
                boolean futureDiffers = false;
                for (int i = cut * v; i < t * v; i++) futureDiffers |= la[i] != lb[i];
                assertTrue(futureDiffers, "the changed tokens must change their own logits");
            }
        }
    }

    @Test
    void relativeSymbolsIndexSenderMinusReceiverClipped() {
        try (Scope _ = Scope.open(Backends.cpu()); var _ = GradMode.noGrad()) {
            var c = ModelConfig.parse(DAT_LM.formatted("position_relative", "{\"symbol_dim\": 16, \"max_rel_pos\": 2}",
                    ", \"ra_kwargs\": {\"use_relative_positional_symbols\": true}"), DualAttnTransformerLMConfig.class);
            var lm = new DualAttnTransformerLM(c, new Generator(0));
            Parameter table = lm.namedParameters().get("layers.symbol_retrievers.0.rel_pos_enc.rel_pos_embeddings");
            float[] rows = new float[5 * 16];
            for (int r = 0; r < 5; r++) for (int k = 0; k < 16; k++) rows[r * 16 + k] = 100 * r + k;
            table.copy_(Tensor.of(rows, 5, 16));
            var retriever = (PositionRelativeSymbolRetriever) lm.namedModules().get("layers.symbol_retrievers.0");
            int l = 6;
            float[] sym = retriever.forward(Tensor.zeros(3, l, 16)).toFloatArray(); // (L, L, d)
            for (int i = 0; i < l; i++) {
                for (int j = 0; j < l; j++) {
                    int row = Math.clamp(j - i, -2, 2) + 2; // offset j - i, clipped to ±max_rel_pos
                    assertEquals(row, PositionRelativeSymbolRetriever.tableRow(i, j, 2));
                    assertEquals(100f * row, sym[(i * l + j) * 16], "symbol (" + i + ", " + j + ")");
                    assertEquals(100f * row + 15, sym[(i * l + j) * 16 + 15]);
                }
            }
            assertEquals(0f, sym[(5 * l) * 16], "receiver 5 sees sender 0 at offset -5 -> row 0 (clipped)");
        }
    }

    @Test
    void datWithOnlySelfAttentionHeadsIsTheBaselineTransformer() {
        try (Scope _ = Scope.open(Backends.cpu()); var _ = GradMode.noGrad()) {
            String common = "\"vocab_size\": 23, \"d_model\": 16, \"n_layers\": 2, \"dff\": 32, \"dropout_rate\": 0.1,"
                    + " \"activation\": \"swiglu\", \"norm_first\": true, \"max_block_size\": 12, \"pos_enc_type\": \"RoPE\"";
            var dat = new DualAttnTransformerLM(ModelConfig.parse("{\"model\": \"DualAttnTransformerLM\", " + common
                    + ", \"n_heads_sa\": 4, \"n_heads_ra\": 0, \"symbol_retrieval_kwargs\": {\"d_model\": 16, \"n_heads\": 2,"
                    + " \"n_symbols\": 4}, \"sa_kwargs\": {\"add_bias_out\": true}}", DualAttnTransformerLMConfig.class), new Generator(1));
            var base = new TransformerLM(ModelConfig.parse("{\"model\": \"TransformerLM\", " + common
                    + ", \"n_heads\": 4, \"bias\": true}", TransformerLMConfig.class), new Generator(2));
            Map<String, Parameter> datParams = dat.namedParameters();
            int copied = 0;
            for (var e : base.namedParameters().entrySet()) {
                String name = e.getKey().replace(".self_attn.", ".dual_attn.self_attention.");
                assertTrue(datParams.containsKey(name), "DAT has " + name);
                datParams.get(name).copy_(e.getValue());
                copied++;
            }
            assertEquals(base.namedParameters().size(), copied);
            dat.eval();
            base.eval();
            int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8};
            Tensor ids = Tensor.ofInts(tokens, 2, 6);
            assertArrayEquals(base.forward(ids).toFloatArray(), dat.forward(ids).toFloatArray(), 1e-6f);
        }
    }
}
