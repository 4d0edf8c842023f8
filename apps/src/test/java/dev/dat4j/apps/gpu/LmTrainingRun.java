package dev.dat4j.apps.gpu;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.optim.AdamW;
import dev.dat4j.autograd.optim.GradClip;
import dev.dat4j.autograd.optim.ParamGroup;
import dev.dat4j.dat.config.DualAttnTransformerLMConfig;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.models.DualAttnTransformerLM;
import dev.dat4j.vecops.Backend;

import java.util.SplittableRandom;

/**
 * A few AdamW steps of a small DAT language model (symbolic attention, SwiGLU, RoPE, dropout 0) on
 * one backend, from weights and batches fixed by seeds, so two backends can be compared step by step.
 */
final class LmTrainingRun {
    static final String CONFIG = """
            {"model": "DualAttnTransformerLM", "vocab_size": 61, "d_model": 32, "n_layers": 2, "n_heads_sa": 2,
             "n_heads_ra": 2, "symbol_retrieval": "symbolic_attention",
             "symbol_retrieval_kwargs": {"d_model": 32, "n_heads": 2, "n_symbols": 8}, "dff": 48,
             "dropout_rate": 0.0, "activation": "swiglu", "norm_first": true, "max_block_size": 16,
             "pos_enc_type": "RoPE"}""";
    static final int BATCH = 3, SEQ = 16;

    /** Per step: the loss, and the global gradient norm before clipping. */
    record Result(float[] losses, double[] gradNorms, float[] logits) {}

    private LmTrainingRun() {}

    static Result train(Backend backend, int steps) {
        var config = ModelConfig.parse(CONFIG, DualAttnTransformerLMConfig.class);
        float[] losses = new float[steps];
        double[] norms = new double[steps];
        SplittableRandom data = new SplittableRandom(7);
        try (Scope _ = Scope.open(backend)) {
            DualAttnTransformerLM model = new DualAttnTransformerLM(config, new Generator(42));
            model.train();
            AdamW opt = new AdamW(ParamGroup.decayMatricesOnly(model, 0.1f), 3e-3f, 0.9f, 0.95f, 1e-8f);
            int[] tokens = new int[BATCH * SEQ], targets = new int[BATCH * SEQ];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = data.nextInt(config.vocabSize());
                targets[i] = i % SEQ == SEQ - 1 ? -1 : data.nextInt(config.vocabSize()); // -1: ignored
            }
            for (int step = 0; step < steps; step++) { // one fixed batch: the loss must fall
                try (Scope _ = Scope.open()) {
                    Tensor loss = model.loss(Tensor.ofInts(tokens, BATCH, SEQ), Tensor.ofInts(targets, BATCH, SEQ));
                    loss.backward();
                    norms[step] = GradClip.clipGradNorm(model.parameters(), 1.0);
                    opt.step();
                    opt.zeroGrad();
                    losses[step] = loss.item();
                }
            }
            model.evalMode();
            int[] probe = new int[SEQ];
            for (int i = 0; i < SEQ; i++) probe[i] = (5 * i + 3) % config.vocabSize();
            try (Scope _ = Scope.open()) {
                return new Result(losses, norms, model.forward(Tensor.ofInts(probe, 1, SEQ)).toFloatArray());
            }
        }
    }
}
