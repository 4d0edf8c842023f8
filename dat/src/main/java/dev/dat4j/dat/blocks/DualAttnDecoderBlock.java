package dev.dat4j.dat.blocks;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.CodeEra;
import dev.dat4j.dat.config.DualAttnBlockConfig;
import dev.dat4j.dat.layers.Attention;
import dev.dat4j.dat.layers.DualAttention;
import dev.dat4j.dat.layers.FeedForwardBlock;
import dev.dat4j.dat.layers.Norms;
import dev.dat4j.dat.layers.Rope;

/**
 * DAT decoder block, dat-spec §6.4 ({@code norm1}, {@code dual_attn}, {@code norm2}, {@code cross_attn},
 * {@code norm3}, {@code ff_block}):
 * <pre>
 * pre-norm:  x = x + Drop(DA(LN1(x), s));  x = x + Drop(Cross(LN2(x), enc));  x = x + FFN(LN3(x))
 * post-norm: x = LN1(x + Drop(DA(x, s)));  x = LN2(x + Drop(Cross(x, enc)));  x = LN3(x + FFN(x))
 * </pre>
 * No dropout on the FFN output (reference quirk). Cross-attention has {@code n_heads_cross} heads of
 * width d / n_heads_cross, no mask, no RoPE.
 */
public final class DualAttnDecoderBlock extends Module {
    private final boolean normFirst, causal;
    private final float dropout;
    private final Generator gen;
    private final Layer norm1, norm2, norm3;
    private final DualAttention dualAttn;
    private final Attention crossAttn;
    private final FeedForwardBlock ffBlock;

    public DualAttnDecoderBlock(int dModel, DualAttnBlockConfig c, CodeEra era, Generator gen) {
        this.normFirst = c.normFirst();
        this.causal = c.causal();
        this.dropout = (float) c.dropoutRate();
        this.gen = gen;
        this.norm1 = register("norm1", Norms.create(c.normType(), dModel));
        this.dualAttn = register("dual_attn", new DualAttention(dModel, c.nHeadsSa(), c.nHeadsRa(), c.dropoutRate(),
                c.saKwargs(), c.raKwargs(), c.shareAttnParams(), era, gen));
        this.norm2 = register("norm2", Norms.create(c.normType(), dModel));
        var crossShape = c.crossKwargs().resolve("cross_kwargs", dModel, c.nHeadsCross(), c.nHeadsCross());
        this.crossAttn = register("cross_attn", new Attention(crossShape, c.crossKwargs(), c.dropoutRate(), gen, null));
        this.norm3 = register("norm3", Norms.create(c.normType(), dModel));
        this.ffBlock = register("ff_block", new FeedForwardBlock(dModel, c.ffnDim(dModel, era), c.activation(), c.bias(), gen));
    }

    /** x (B, L, d) decoder stream, context (B, Lc, d) encoder output, symbols for the RA heads. */
    public Tensor forward(Tensor x, Tensor context, Tensor symbols, Rope rope) {
        if (normFirst) {
            x = x.add(drop(dualAttn.forward(norm1.forward(x), symbols, rope, causal)));
            x = x.add(drop(crossAttn.forward(norm2.forward(x), context, null, false)));
            return x.add(ffBlock.forward(norm3.forward(x)));
        }
        x = norm1.forward(x.add(drop(dualAttn.forward(x, symbols, rope, causal))));
        x = norm2.forward(x.add(drop(crossAttn.forward(x, context, null, false))));
        return norm3.forward(x.add(ffBlock.forward(x)));
    }

    private Tensor drop(Tensor t) {
        return F.dropout(t, dropout, isTraining(), gen);
    }
}
