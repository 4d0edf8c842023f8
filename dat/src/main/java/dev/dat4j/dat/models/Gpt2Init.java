package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.nn.Embedding;
import dev.dat4j.autograd.nn.Init;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.Activation;
import dev.dat4j.dat.layers.RelationalAttention;

/**
 * The current reference's LM initialisation (dat-spec §7.1): every Linear weight, Embedding and RA
 * {@code W_r} ~ N(0, 0.02), Linear biases 0; then every {@code *wo.weight} and every FFN
 * {@code linear3.weight} (SwiGLU; the gate-value matrix, as the reference does) or
 * {@code linear2.weight} (other activations) ~ N(0, 0.02/√(2·n_layers)). Symbol templates and
 * libraries, the relative-position table and norms keep their defaults.
 */
final class Gpt2Init {
    private Gpt2Init() {}

    static void apply(Module model, int nLayers, Activation activation, Generator gen) {
        for (Module m : model.namedModules().values()) {
            if (m instanceof Linear lin) {
                Init.normal_(lin.weight(), 0, 0.02, gen);
                if (lin.bias() != null) Init.zeros_(lin.bias());
            } else if (m instanceof Embedding emb) {
                Init.normal_(emb.weight(), 0, 0.02, gen);
            } else if (m instanceof RelationalAttention ra) {
                Init.normal_(ra.relationProjection(), 0, 0.02, gen);
            }
        }
        String special = activation == Activation.SWIGLU ? "linear3.weight" : "linear2.weight";
        double std = 0.02 / Math.sqrt(2.0 * nLayers);
        model.namedParameters().forEach((name, p) -> {
            if (name.endsWith(special) || name.endsWith("wo.weight")) Init.normal_(p, 0, std, gen);
        });
    }
}
