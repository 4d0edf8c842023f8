package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.ModuleList;
import dev.dat4j.dat.blocks.DualAttnDecoderBlock;
import dev.dat4j.dat.blocks.DualAttnEncoderBlock;
import dev.dat4j.dat.config.Seq2SeqDualAttnTransformerConfig;
import dev.dat4j.dat.layers.LayerDict;
import dev.dat4j.dat.symbols.SymbolRetriever;

/**
 * The DAT encoder–decoder, dat-spec §7.2:
 * <pre>
 * x = pos(EmbSrc[src]); y = pos(EmbTgt[tgt])          (sinusoidal/learned: ×√d first)
 * s = retriever(x); per encoder block: (update) s = retriever(x); x = EncBlock(x, s)
 * s = retriever(y); per decoder block: (update) s = retriever(y); y = DecBlock(y, x, s)
 * logits = final_out(y)
 * </pre>
 * Reference quirks kept: {@code n_layers_enc} decoder blocks, no final norm, nothing tied, PyTorch
 * default init. Names: {@code layers.source_embedder}, {@code layers.target_embedder},
 * {@code layers.symbol_retriever}, {@code layers.encoder_blocks.<i>}, {@code layers.decoder_blocks.<i>},
 * {@code layers.final_out}, {@code layers.*_pos_embedder}.
 */
public final class Seq2SeqDualAttnTransformer extends Module {
    private final Seq2SeqDualAttnTransformerConfig config;
    private final Seq2SeqParts parts;
    private final SymbolRetriever retriever;
    private final ModuleList<DualAttnEncoderBlock> encoderBlocks;
    private final ModuleList<DualAttnDecoderBlock> decoderBlocks;
    private final Linear finalOut;

    public Seq2SeqDualAttnTransformer(Seq2SeqDualAttnTransformerConfig c, Generator gen) {
        this.config = c;
        int d = c.dModel();
        LayerDict layers = register("layers", new LayerDict());
        this.parts = new Seq2SeqParts(layers, c.inputSpec(), c.outputSpec(), d, gen);
        this.retriever = layers.put("symbol_retriever", SymbolRetriever.create(c.symbolRetrieval(), gen));
        this.encoderBlocks = layers.put("encoder_blocks", new ModuleList<>());
        for (int i = 0; i < c.nLayersEnc(); i++) encoderBlocks.add(new DualAttnEncoderBlock(d, c.encoder(), c.codeEra(), gen));
        this.decoderBlocks = layers.put("decoder_blocks", new ModuleList<>());
        for (int i = 0; i < c.decoderDepth(); i++) decoderBlocks.add(new DualAttnDecoderBlock(d, c.decoder(), c.codeEra(), gen));
        this.finalOut = layers.put("final_out", new Linear(d, c.outDim(), true, gen));
        parts.positions(layers, c.posEncType(), d, d / c.encoder().totalHeads(), c.inBlockSize(), c.outBlockSize(), gen);
    }

    public Seq2SeqDualAttnTransformerConfig config() {
        return config;
    }

    /** src (B, Ls) int32 (or (B, Ls, dim) vectors), tgt (B, Lt) → logits (B, Lt, out_dim). */
    public Tensor forward(Tensor src, Tensor tgt) {
        Tensor x = parts.embedSource(src), y = parts.embedTarget(tgt);
        Tensor symbols = retriever.forward(x);
        for (DualAttnEncoderBlock block : encoderBlocks) {
            if (config.updateSymbolsEachLayer()) symbols = retriever.forward(x);
            x = block.forward(x, symbols, parts.rope);
        }
        symbols = retriever.forward(y);
        for (DualAttnDecoderBlock block : decoderBlocks) {
            if (config.updateSymbolsEachLayer()) symbols = retriever.forward(y);
            y = block.forward(y, x, symbols, parts.rope);
        }
        return finalOut.forward(y);
    }

    /** Mean cross-entropy against targets (B, Lt), ignoring {@code loss_ignore_idx}. */
    public Tensor loss(Tensor src, Tensor tgt, Tensor targets) {
        return Seq2SeqParts.loss(forward(src, tgt), targets, config.lossIgnoreIdx());
    }
}
