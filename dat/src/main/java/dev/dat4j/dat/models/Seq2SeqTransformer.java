package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.ModuleList;
import dev.dat4j.dat.blocks.DecoderBlock;
import dev.dat4j.dat.blocks.EncoderBlock;
import dev.dat4j.dat.config.Seq2SeqTransformerConfig;
import dev.dat4j.dat.layers.LayerDict;

/** The baseline encoder–decoder Transformer, dat-spec §7.2 ({@code n_layers_dec} decoder blocks). */
public final class Seq2SeqTransformer extends Module {
    private final Seq2SeqTransformerConfig config;
    private final Seq2SeqParts parts;
    private final ModuleList<EncoderBlock> encoderBlocks;
    private final ModuleList<DecoderBlock> decoderBlocks;
    private final Linear finalOut;

    public Seq2SeqTransformer(Seq2SeqTransformerConfig c, Generator gen) {
        this.config = c;
        int d = c.dModel();
        LayerDict layers = register("layers", new LayerDict());
        this.parts = new Seq2SeqParts(layers, c.inputSpec(), c.outputSpec(), d, gen);
        this.encoderBlocks = layers.put("encoder_blocks", new ModuleList<>());
        for (int i = 0; i < c.nLayersEnc(); i++) encoderBlocks.add(new EncoderBlock(d, c.encoder(), c.codeEra(), gen));
        this.decoderBlocks = layers.put("decoder_blocks", new ModuleList<>());
        for (int i = 0; i < c.nLayersDec(); i++) decoderBlocks.add(new DecoderBlock(d, c.decoder(), c.codeEra(), gen));
        this.finalOut = layers.put("final_out", new Linear(d, c.outDim(), true, gen));
        parts.positions(layers, c.posEncType(), d, d / c.encoder().nHeads(), c.inBlockSize(), c.outBlockSize(), gen);
    }

    public Seq2SeqTransformerConfig config() {
        return config;
    }

    /** src (B, Ls), tgt (B, Lt) → logits (B, Lt, out_dim). */
    public Tensor forward(Tensor src, Tensor tgt) {
        Tensor x = parts.embedSource(src), y = parts.embedTarget(tgt);
        for (EncoderBlock block : encoderBlocks) x = block.forward(x, parts.rope);
        for (DecoderBlock block : decoderBlocks) y = block.forward(y, x, parts.rope);
        return finalOut.forward(y);
    }

    public Tensor loss(Tensor src, Tensor tgt, Tensor targets) {
        return Seq2SeqParts.loss(forward(src, tgt), targets, config.lossIgnoreIdx());
    }
}
