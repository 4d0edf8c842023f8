package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.DualAttnTransformerLMConfig;
import dev.dat4j.dat.config.ModelConfig;
import dev.dat4j.dat.config.Seq2SeqDualAttnTransformerConfig;
import dev.dat4j.dat.config.Seq2SeqTransformerConfig;
import dev.dat4j.dat.config.TransformerLMConfig;
import dev.dat4j.dat.config.VisionDualAttnTransformerConfig;
import dev.dat4j.dat.config.VisionTransformerConfig;

/** Builds the model class a config names, with fresh weights, in the current scope. */
public final class Models {
    private Models() {}

    public static Module create(ModelConfig config, Generator gen) {
        return switch (config) {
            case DualAttnTransformerLMConfig c -> new DualAttnTransformerLM(c, gen);
            case TransformerLMConfig c -> new TransformerLM(c, gen);
            case Seq2SeqDualAttnTransformerConfig c -> new Seq2SeqDualAttnTransformer(c, gen);
            case Seq2SeqTransformerConfig c -> new Seq2SeqTransformer(c, gen);
            case VisionDualAttnTransformerConfig c -> new VisionDualAttnTransformer(c, gen);
            case VisionTransformerConfig c -> new VisionTransformer(c, gen);
        };
    }
}
