package dev.dat4j.dat.blocks;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.CodeEra;
import dev.dat4j.dat.config.DualAttnBlockConfig;
import dev.dat4j.dat.layers.DualAttention;
import dev.dat4j.dat.layers.FeedForwardBlock;
import dev.dat4j.dat.layers.Norms;
import dev.dat4j.dat.layers.Rope;

/**
 * DAT encoder block, dat-spec §6.3 ({@code norm1}, {@code dual_attn}, {@code norm2}, {@code ff_block}):
 * <pre>
 * pre-norm:  x = x + Drop(DA(LN1(x), s));  x = x + Drop(FFN(LN2(x)))
 * post-norm: x = LN1(x + Drop(DA(x, s)));  x = Drop(x);  x = LN2(x + Drop(FFN(x)))
 * </pre>
 * The symbols s come from outside (the un-normalized residual stream). {@code bias} = FFN biases.
 */
public final class DualAttnEncoderBlock extends Module {
    private final boolean normFirst, causal;
    private final float dropout;
    private final Generator gen;
    private final Layer norm1, norm2;
    private final DualAttention dualAttn;
    private final FeedForwardBlock ffBlock;

    public DualAttnEncoderBlock(int dModel, DualAttnBlockConfig c, CodeEra era, Generator gen) {
        this.normFirst = c.normFirst();
        this.causal = c.causal();
        this.dropout = (float) c.dropoutRate();
        this.gen = gen;
        this.norm1 = register("norm1", Norms.create(c.normType(), dModel));
        this.dualAttn = register("dual_attn", new DualAttention(dModel, c.nHeadsSa(), c.nHeadsRa(), c.dropoutRate(),
                c.saKwargs(), c.raKwargs(), c.shareAttnParams(), era, gen));
        this.norm2 = register("norm2", Norms.create(c.normType(), dModel));
        this.ffBlock = register("ff_block", new FeedForwardBlock(dModel, c.ffnDim(dModel, era), c.activation(), c.bias(), gen));
    }

    /** x (B, L, d), symbols (B, L, d) or (L, L, d); rope may be null. */
    public Tensor forward(Tensor x, Tensor symbols, Rope rope) {
        if (normFirst) {
            x = x.add(drop(dualAttn.forward(norm1.forward(x), symbols, rope, causal)));
            return x.add(drop(ffBlock.forward(norm2.forward(x))));
        }
        x = norm1.forward(x.add(drop(dualAttn.forward(x, symbols, rope, causal))));
        x = drop(x); // the reference's extra dropout between the sublayers
        return norm2.forward(x.add(drop(ffBlock.forward(x))));
    }

    private Tensor drop(Tensor t) {
        return F.dropout(t, dropout, isTraining(), gen);
    }

    public DualAttention dualAttention() {
        return dualAttn;
    }
}
