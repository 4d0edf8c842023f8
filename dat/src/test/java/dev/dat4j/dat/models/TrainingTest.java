package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.optim.AdamW;
import dev.dat4j.autograd.optim.ParamGroup;
import dev.dat4j.dat.config.DualAttnTransformerLMConfig;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingTest {

    @Test
    void dropoutOnlyActsInTrainingMode() {
        try (Scope _ = Scope.open(Backends.cpu()); var _ = GradMode.noGrad()) {
            Tensor ids = Tensor.ofInts(new int[] {1, 5, 2, 9, 4, 4, 7, 0}, 2, 4);
            var noDropout = ModelBehaviourTest.datLm("symbolic_attention", "{\"d_model\": 16, \"n_heads\": 2, \"n_symbols\": 5}", "", 4);
            float[] eval = noDropout.forward(ids).toFloatArray();
            noDropout.train();
            assertArrayEquals(eval, noDropout.forward(ids).toFloatArray(), "dropout_rate 0: training = eval");

            String json = ModelBehaviourTest.DAT_LM.formatted("symbolic_attention",
                    "{\"d_model\": 16, \"n_heads\": 2, \"n_symbols\": 5}", "").replace("\"dropout_rate\": 0.0", "\"dropout_rate\": 0.3");
            var dropped = new DualAttnTransformerLM(ModelConfig.parse(json, DualAttnTransformerLMConfig.class), new Generator(4));
            dropped.namedParameters().forEach((k, p) -> p.copy_(noDropout.namedParameters().get(k)));
            dropped.eval();
            assertArrayEquals(eval, dropped.forward(ids).toFloatArray(), "eval mode ignores dropout_rate");
            dropped.train();
            float[] train = dropped.forward(ids).toFloatArray();
            boolean differs = false;
            for (int i = 0; i < train.length; i++) differs |= train[i] != eval[i];
            assertTrue(differs, "training mode applies dropout");
        }
    }

    /** A DAT LM memorises one batch: the loss of 50 AdamW steps falls far below its start. */
    @Test
    void datLanguageModelTrains() {
        try (Scope _ = Scope.open(Backends.cpu())) {
            var lm = ModelBehaviourTest.datLm("position_relative", "{\"symbol_dim\": 16, \"max_rel_pos\": 4}",
                    ", \"ra_kwargs\": {\"use_relative_positional_symbols\": true}, \"pos_enc_type\": \"RoPE\"", 8);
            lm.train();
            var opt = new AdamW(ParamGroup.decayMatricesOnly(lm, 0.01f), 1e-2f, 0.9f, 0.95f, 1e-8f);
            Generator g = new Generator(2);
            int[] x = new int[4 * 12], y = new int[4 * 12];
            for (int i = 0; i < x.length; i++) {
                x[i] = g.nextInt(23);
                y[i] = (x[i] * 3 + 1) % 23;
            }
            float first = 0, last = 0;
            for (int step = 0; step < 50; step++) {
                try (Scope _ = Scope.open()) {
                    Tensor loss = lm.loss(Tensor.ofInts(x, 4, 12), Tensor.ofInts(y, 4, 12));
                    loss.backward();
                    opt.step();
                    opt.zeroGrad();
                    if (step == 0) first = loss.item();
                    last = loss.item();
                }
            }
            assertTrue(last < 0.3 * first, "loss " + first + " -> " + last);
        }
    }
}
