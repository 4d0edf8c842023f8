package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.ModuleList;
import dev.dat4j.dat.blocks.EncoderBlock;
import dev.dat4j.dat.config.VisionTransformerConfig;

/** The baseline ViT, dat-spec §7.3: the vision skeleton with baseline encoder blocks. */
public final class VisionTransformer extends VisionModel {
    private final VisionTransformerConfig config;
    private final ModuleList<EncoderBlock> blocks;

    public VisionTransformer(VisionTransformerConfig c, Generator gen) {
        super(c.geometry(), c.dModel(), c.dropoutRate(), c.pool(), c.useRope(), c.nHeads(), gen);
        this.config = c;
        registerFront(c.dModel());
        this.blocks = register("encoder_blocks", new ModuleList<>());
        for (int i = 0; i < c.nLayers(); i++) blocks.add(new EncoderBlock(c.dModel(), c.block(), c.codeEra(), gen));
        registerHead(c.codeEra(), c.finalNorm(), c.normType(), c.dModel(), c.numClasses());
    }

    public VisionTransformerConfig config() {
        return config;
    }

    @Override
    public Tensor forward(Tensor images) {
        Tensor x = tokens(images);
        for (EncoderBlock block : blocks) x = block.forward(x, rope);
        return classify(x);
    }
}
