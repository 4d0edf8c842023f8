package dev.dat4j.dat.blocks;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.AttentionConfig;
import dev.dat4j.dat.config.CodeEra;
import dev.dat4j.dat.config.TransformerBlockConfig;
import dev.dat4j.dat.layers.Attention;
import dev.dat4j.dat.layers.FeedForwardBlock;
import dev.dat4j.dat.layers.Norms;
import dev.dat4j.dat.layers.Rope;

/**
 * Baseline Transformer decoder block, dat-spec §6.5 ({@code norm1}, {@code self_attn}, {@code norm2},
 * {@code cross_attn}, {@code norm3}, {@code ff_block}); same layout as {@link DualAttnDecoderBlock}.
 * Both attentions are standard MHA with {@code n_heads} heads (the reference ignores
 * {@code n_heads_cross}) and an output bias iff {@code bias}.
 */
public final class DecoderBlock extends Module {
    private final boolean normFirst, causal;
    private final float dropout;
    private final Generator gen;
    private final Layer norm1, norm2, norm3;
    private final Attention selfAttn, crossAttn;
    private final FeedForwardBlock ffBlock;

    public DecoderBlock(int dModel, TransformerBlockConfig c, CodeEra era, Generator gen) {
        this.normFirst = c.normFirst();
        this.causal = c.causal();
        this.dropout = (float) c.dropoutRate();
        this.gen = gen;
        AttentionConfig attn = c.crossAttention();
        AttentionConfig.Shape shape = attn.resolve("decoder_kwargs", dModel, c.nHeads(), c.nHeads());
        this.norm1 = register("norm1", Norms.create(c.normType(), dModel));
        this.selfAttn = register("self_attn", new Attention(shape, attn, c.dropoutRate(), gen, null));
        this.norm2 = register("norm2", Norms.create(c.normType(), dModel));
        this.crossAttn = register("cross_attn", new Attention(shape, attn, c.dropoutRate(), gen, null));
        this.norm3 = register("norm3", Norms.create(c.normType(), dModel));
        this.ffBlock = register("ff_block", new FeedForwardBlock(dModel, c.ffnDim(dModel, era), c.activation(), c.bias(), gen));
    }

    public Tensor forward(Tensor x, Tensor context, Rope rope) {
        if (normFirst) {
            x = x.add(drop(selfAttn.forward(norm1.forward(x), rope, causal)));
            x = x.add(drop(crossAttn.forward(norm2.forward(x), context, null, false)));
            return x.add(ffBlock.forward(norm3.forward(x)));
        }
        x = norm1.forward(x.add(drop(selfAttn.forward(x, rope, causal))));
        x = norm2.forward(x.add(drop(crossAttn.forward(x, context, null, false))));
        return norm3.forward(x.add(ffBlock.forward(x)));
    }

    private Tensor drop(Tensor t) {
        return F.dropout(t, dropout, isTraining(), gen);
    }
}
