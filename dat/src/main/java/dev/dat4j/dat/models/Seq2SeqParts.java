package dev.dat4j.dat.models;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Embedding;
import dev.dat4j.autograd.nn.Layer;
import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.dat.config.SequenceSpec;
import dev.dat4j.dat.layers.LayerDict;
import dev.dat4j.dat.layers.Rope;

/** Embedders and position encodings shared by the two seq2seq models. */
final class Seq2SeqParts {
    final Layer sourceEmbedder, targetEmbedder;
    Layer sourcePos, targetPos;
    Rope rope;

    Seq2SeqParts(LayerDict layers, SequenceSpec in, SequenceSpec out, int d, Generator gen) {
        this.sourceEmbedder = layers.put("source_embedder", embedder(in, d, gen));
        this.targetEmbedder = layers.put("target_embedder", embedder(out, d, gen));
    }

    /** Adds the position modules (after the blocks and final_out, the reference's registration order). */
    void positions(LayerDict layers, String type, int d, int headDim, int inBlock, int outBlock, Generator gen) {
        switch (type) {
            case "sinusoidal" -> {
                sourcePos = layers.put("source_pos_embedder", new PositionalEncodings.Sinusoidal(d, inBlock));
                targetPos = layers.put("target_pos_embedder", new PositionalEncodings.Sinusoidal(d, outBlock));
            }
            case "learned" -> {
                sourcePos = layers.put("source_pos_embedder", new PositionalEncodings.Learned(d, inBlock, gen));
                targetPos = layers.put("target_pos_embedder", new PositionalEncodings.Learned(d, outBlock, gen));
            }
            default -> rope = Rope.tables(headDim, Math.max(inBlock, outBlock));
        }
    }

    private static Layer embedder(SequenceSpec spec, int d, Generator gen) {
        return spec.tokens() ? new Embedding(spec.size(), d, gen) : new Linear(spec.size(), d, true, gen);
    }

    Tensor embedSource(Tensor src) {
        Tensor x = sourceEmbedder.forward(src);
        return sourcePos == null ? x : sourcePos.forward(x);
    }

    Tensor embedTarget(Tensor tgt) {
        Tensor y = targetEmbedder.forward(tgt);
        return targetPos == null ? y : targetPos.forward(y);
    }

    static Tensor loss(Tensor logits, Tensor targets, int ignoreIndex) {
        return F.crossEntropy(logits, targets, ignoreIndex);
    }
}
