package dev.dat4j.dat.blocks;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.CodeEra;
import dev.dat4j.dat.config.TransformerBlockConfig;
import dev.dat4j.dat.layers.Attention;
import dev.dat4j.dat.layers.FeedForwardBlock;
import dev.dat4j.dat.layers.Norms;
import dev.dat4j.dat.layers.Rope;

/**
 * Baseline Transformer encoder block, dat-spec §6.5 ({@code norm1}, {@code self_attn}, {@code norm2},
 * {@code ff_block}); same residual and dropout layout as {@link DualAttnEncoderBlock}. Its attention
 * has an output bias iff {@code bias}.
 */
public final class EncoderBlock extends Module {
    private final boolean normFirst, causal;
    private final float dropout;
    private final Generator gen;
    private final Layer norm1, norm2;
    private final Attention selfAttn;
    private final FeedForwardBlock ffBlock;

    public EncoderBlock(int dModel, TransformerBlockConfig c, CodeEra era, Generator gen) {
        this.normFirst = c.normFirst();
        this.causal = c.causal();
        this.dropout = (float) c.dropoutRate();
        this.gen = gen;
        this.norm1 = register("norm1", Norms.create(c.normType(), dModel));
        var attn = c.selfAttention();
        this.selfAttn = register("self_attn", new Attention(attn.resolve("attn_kwargs", dModel, c.nHeads(), c.nHeads()),
                attn, c.dropoutRate(), gen, null));
        this.norm2 = register("norm2", Norms.create(c.normType(), dModel));
        this.ffBlock = register("ff_block", new FeedForwardBlock(dModel, c.ffnDim(dModel, era), c.activation(), c.bias(), gen));
    }

    public Tensor forward(Tensor x, Rope rope) {
        if (normFirst) {
            x = x.add(drop(selfAttn.forward(norm1.forward(x), rope, causal)));
            return x.add(drop(ffBlock.forward(norm2.forward(x))));
        }
        x = norm1.forward(x.add(drop(selfAttn.forward(x, rope, causal))));
        x = drop(x);
        return norm2.forward(x.add(drop(ffBlock.forward(x))));
    }

    private Tensor drop(Tensor t) {
        return F.dropout(t, dropout, isTraining(), gen);
    }
}
