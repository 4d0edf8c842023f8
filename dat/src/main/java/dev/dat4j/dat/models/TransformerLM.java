package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Embedding;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.ModuleList;
import dev.dat4j.dat.blocks.EncoderBlock;
import dev.dat4j.dat.config.TransformerLMConfig;
import dev.dat4j.dat.layers.LayerDict;
import dev.dat4j.dat.layers.Norms;
import dev.dat4j.dat.layers.Rope;
import dev.dat4j.dat.layers.TiedLinear;

/**
 * The baseline causal Transformer LM, dat-spec §7.1: the {@link DualAttnTransformerLM} skeleton
 * with causal {@link EncoderBlock}s ({@code bias} honoured) and no symbol retriever.
 */
public final class TransformerLM extends LanguageModelModule {
    private final TransformerLMConfig config;
    private final Embedding tokenEmbedder, positionalEmbedder;
    private final ModuleList<EncoderBlock> blocks;
    private final Layer norm, finalOut;
    private final Rope rope;

    public TransformerLM(TransformerLMConfig c, Generator gen) {
        this.config = c;
        int d = c.dModel();
        LayerDict layers = register("layers", new LayerDict());
        this.tokenEmbedder = layers.put("token_embedder", new Embedding(c.vocabSize(), d, gen));
        this.blocks = layers.put("blocks", new ModuleList<>());
        for (int l = 0; l < c.nLayers(); l++) blocks.add(new EncoderBlock(d, c.block(), c.codeEra(), gen));
        if (c.codeEra().isEra1()) {
            this.norm = null;
            this.finalOut = layers.put("final_out", new Linear(d, c.vocabSize(), true, gen));
        } else {
            this.norm = layers.put("norm", Norms.create(c.normType(), d));
            this.finalOut = layers.put("final_out", new TiedLinear(tokenEmbedder.weight()));
        }
        this.positionalEmbedder = c.usesRope() ? null
                : layers.put("positional_embedder", new Embedding(c.maxBlockSize(), d, gen));
        this.rope = c.usesRope() ? Rope.tables(d / c.nHeads(), c.maxBlockSize()) : null;
        if (!c.codeEra().isEra1()) Gpt2Init.apply(this, c.nLayers(), c.activation(), gen);
    }

    public TransformerLMConfig config() {
        return config;
    }

    @Override
    public Tensor forward(Tensor tokens, boolean lastOnly) {
        Tensor x = LmParts.embed(tokens, tokenEmbedder, positionalEmbedder, config.maxBlockSize());
        for (EncoderBlock block : blocks) x = block.forward(x, rope);
        return LmParts.head(x, norm, finalOut, lastOnly);
    }

    @Override
    public int maxBlockSize() {
        return config.maxBlockSize();
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }
}
