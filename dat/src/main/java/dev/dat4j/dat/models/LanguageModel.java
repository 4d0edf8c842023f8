package dev.dat4j.dat.models;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Tensor;

/** A causal language model: token ids (B, T) int32 → next-token logits. */
public interface LanguageModel {

    /** Logits (B, T, vocab) for tokens (B, T), T ≤ {@link #maxBlockSize()}. */
    default Tensor forward(Tensor tokens) {
        return forward(tokens, false);
    }

    /** With {@code lastOnly}, logits of the last position only, (B, 1, vocab) (for generation). */
    Tensor forward(Tensor tokens, boolean lastOnly);

    int maxBlockSize();

    int vocabSize();

    /** Mean cross-entropy of the logits against targets (B, T) int32, ignoring −1 (the reference's ignore_index). */
    default Tensor loss(Tensor tokens, Tensor targets) {
        return F.crossEntropy(forward(tokens), targets, -1);
    }

    /** Switches dropout off (generation, evaluation). */
    void evalMode();

    boolean isTrainingMode();

    void trainMode(boolean training);
}
