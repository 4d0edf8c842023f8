package dev.dat4j.dat.models;

import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Embedding;
import dev.dat4j.autograd.nn.Layer;

import java.util.Arrays;

/** The embedding and output head shared by the two language models. */
final class LmParts {
    private LmParts() {}

    /** Emb[tokens] (+ learned positions 0..T−1). The reference's embedding dropout is never applied. */
    static Tensor embed(Tensor tokens, Embedding tokenEmbedder, Embedding positionalEmbedder, int maxBlockSize) {
        if (tokens.dim() != 2) {
            throw new IllegalArgumentException("language model: tokens must be (batch, seq), got " + Arrays.toString(tokens.shape()));
        }
        int t = tokens.size(1);
        if (t > maxBlockSize) {
            throw new IllegalArgumentException("language model: sequence length " + t + " exceeds max_block_size " + maxBlockSize);
        }
        Tensor x = tokenEmbedder.forward(tokens);
        if (positionalEmbedder != null) x = x.add(positionalEmbedder.weight().narrow(0, 0, t));
        return x;
    }

    /** Final norm (when present) and output layer, optionally on the last position only. */
    static Tensor head(Tensor x, Layer norm, Layer finalOut, boolean lastOnly) {
        if (lastOnly) x = x.narrow(1, x.size(1) - 1, 1);
        if (norm != null) x = norm.forward(x);
        return finalOut.forward(x);
    }
}
