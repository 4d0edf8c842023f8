package dev.dat4j.dat.perf;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.optim.AdamW;
import dev.dat4j.autograd.optim.ParamGroup;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.models.LanguageModel;
import dev.dat4j.dat.models.Models;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.vecops.Backends;

/**
 * Manual profiling aid (not a test): training steps of the benchmark LM of bench/torch_train_step.py
 * (DAT d=64, 4 layers, (4,4) heads, seq 256, batch 16, vocab 4096, SwiGLU, RoPE, symbolic attention).
 * Usage: java -cp <test classpath> dev.dat4j.dat.perf.LmTrainStepProfile [steps] [dat|transformer]
 */
public final class LmTrainStepProfile {
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        boolean dat = args.length < 2 || args[1].equals("dat");
        int b = 16, t = 256, v = 4096;
        String common = "\"vocab_size\": 4096, \"d_model\": 64, \"n_layers\": 4, \"dff\": null, \"dropout_rate\": 0.0,"
                + " \"activation\": \"swiglu\", \"norm_first\": true, \"max_block_size\": 256, \"pos_enc_type\": \"RoPE\", \"bias\": false";
        String json = dat ? "{\"model\": \"DualAttnTransformerLM\", " + common + ", \"n_heads_sa\": 4, \"n_heads_ra\": 4,"
                + " \"symbol_retrieval\": \"symbolic_attention\", \"symbol_retrieval_kwargs\": {\"d_model\": 64, \"n_heads\": 4, \"n_symbols\": 512},"
                + " \"ra_kwargs\": {\"n_relations\": 4, \"rel_proj_dim\": 8}}"
                : "{\"model\": \"TransformerLM\", " + common + ", \"n_heads\": 8}";
        try (Scope _ = Scope.open(Backends.cpu())) {
            Generator gen = new Generator(0);
            Module model = Models.create(ModelConfig.parse(json), gen);
            LanguageModel lm = (LanguageModel) model;
            AdamW opt = new AdamW(ParamGroup.decayMatricesOnly(model, 0.1f), 1e-3f, 0.9f, 0.95f, 1e-8f);
            int[] x = new int[b * t], y = new int[b * t];
            for (int i = 0; i < x.length; i++) {
                x[i] = gen.nextInt(v);
                y[i] = gen.nextInt(v);
            }
            System.out.println(model.numParameters() + " params, backend " + Backends.cpu().name());
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                float loss;
                try (Scope _ = Scope.open()) {
                    Tensor l = F.crossEntropy(lm.forward(Tensor.ofInts(x, b, t)), Tensor.ofInts(y, b, t), -1);
                    long t1 = System.nanoTime();
                    l.backward();
                    long t2 = System.nanoTime();
                    opt.step();
                    opt.zeroGrad();
                    loss = l.item();
                    long t3 = System.nanoTime();
                    System.out.printf("step %d loss %.4f  fwd %.0f ms  bwd %.0f ms  opt %.0f ms  total %.0f ms  %.0f tok/s%n", s, loss,
                            (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6, b * t / ((t3 - t0) / 1e9));
                }
            }
        }
    }
}
