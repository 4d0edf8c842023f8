package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.ModuleList;
import dev.dat4j.dat.blocks.DualAttnEncoderBlock;
import dev.dat4j.dat.config.VisionDualAttnTransformerConfig;
import dev.dat4j.dat.symbols.SymbolRetriever;

/**
 * The vision DAT (ViDAT), dat-spec §7.3: patch tokens with a cls token, non-causal DAT encoder
 * blocks whose symbols come from {@code symbol_retriever} (recomputed from the residual stream before
 * every block, or once with {@code update_symbols_each_layer=false}), then pooling and the classifier.
 */
public final class VisionDualAttnTransformer extends VisionModel {
    private final VisionDualAttnTransformerConfig config;
    private final SymbolRetriever retriever;
    private final ModuleList<DualAttnEncoderBlock> blocks;

    public VisionDualAttnTransformer(VisionDualAttnTransformerConfig c, Generator gen) {
        super(c.geometry(), c.dModel(), c.dropoutRate(), c.pool(), c.useRope(), c.nHeadsSa() + c.nHeadsRa(), gen);
        this.config = c;
        this.retriever = register("symbol_retriever", SymbolRetriever.create(c.symbolRetrieval(), gen));
        registerFront(c.dModel());
        this.blocks = register("encoder_blocks", new ModuleList<>());
        for (int i = 0; i < c.nLayers(); i++) blocks.add(new DualAttnEncoderBlock(c.dModel(), c.block(), c.codeEra(), gen));
        registerHead(c.codeEra(), c.finalNorm(), c.normType(), c.dModel(), c.numClasses());
    }

    public VisionDualAttnTransformerConfig config() {
        return config;
    }

    @Override
    public Tensor forward(Tensor images) {
        Tensor x = tokens(images);
        Tensor symbols = retriever.forward(x);
        for (DualAttnEncoderBlock block : blocks) {
            if (config.updateSymbolsEachLayer()) symbols = retriever.forward(x);
            x = block.forward(x, symbols, rope);
        }
        return classify(x);
    }
}
