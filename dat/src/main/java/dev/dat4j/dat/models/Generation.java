package dev.dat4j.dat.models;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.GradMode;
import dev.dat4j.autograd.Scope;
import dev.dat4j.autograd.Tensor;

import java.util.Arrays;

/**
 * Autoregressive sampling from a {@link LanguageModel}, as the reference's {@code generate}: the
 * context is cropped to the last {@code max_block_size} tokens, the last position's logits are
 * divided by the temperature, optionally cut to the top k (ties with the k-th value are kept) and
 * sampled from the softmax. Temperature 0 means greedy (argmax, first index on ties). Runs in eval
 * mode without a graph; each step's tensors live in a scope released at the end of the step.
 */
public final class Generation {
    private Generation() {}

    /** @param topK null or ≤ 0 for no cut */
    public record Options(int maxNewTokens, double temperature, Integer topK) {
        public Options {
            if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
            if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        }

        public static Options greedy(int maxNewTokens) {
            return new Options(maxNewTokens, 0, null);
        }
    }

    /** Receives the tokens of each step as they are produced (one per sequence), e.g. to stream text. */
    @FunctionalInterface
    public interface TokenListener {
        void onTokens(int step, int[] tokens);
    }

    /** One sequence: returns the prompt followed by the new tokens. */
    public static int[] generate(LanguageModel lm, int[] prompt, Options o, Generator gen, TokenListener listener) {
        return generate(lm, new int[][] {prompt}, o, gen, listener)[0];
    }

    /** A batch of prompts of equal length: returns each prompt followed by its new tokens. */
    public static int[][] generate(LanguageModel lm, int[][] prompts, Options o, Generator gen, TokenListener listener) {
        int b = prompts.length;
        if (b == 0) return new int[0][];
        int t0 = prompts[0].length;
        for (int[] p : prompts) {
            if (p.length != t0 || p.length == 0) throw new IllegalArgumentException("prompts must be non-empty and of equal length");
        }
        int[][] seqs = new int[b][];
        for (int i = 0; i < b; i++) seqs[i] = Arrays.copyOf(prompts[i], t0 + o.maxNewTokens());
        boolean wasTraining = lm.isTrainingMode();
        lm.evalMode();
        try (var _ = GradMode.noGrad()) {
            for (int step = 0; step < o.maxNewTokens(); step++) {
                int len = t0 + step, ctx = Math.min(len, lm.maxBlockSize());
                int[] window = new int[b * ctx];
                for (int i = 0; i < b; i++) System.arraycopy(seqs[i], len - ctx, window, i * ctx, ctx);
                float[] logits;
                try (Scope _ = Scope.open()) {
                    logits = lm.forward(Tensor.ofInts(window, b, ctx), true).toFloatArray(); // (B, 1, V)
                }
                int v = lm.vocabSize();
                int[] next = new int[b];
                for (int i = 0; i < b; i++) {
                    next[i] = pick(Arrays.copyOfRange(logits, i * v, (i + 1) * v), o, gen);
                    seqs[i][len] = next[i];
                }
                if (listener != null) listener.onTokens(step, next);
            }
        } finally {
            lm.trainMode(wasTraining);
        }
        return seqs;
    }

    /** Chooses the next token from one row of logits. */
    static int pick(float[] logits, Options o, Generator gen) {
        if (o.temperature() == 0) return argmax(logits);
        double[] z = new double[logits.length];
        for (int j = 0; j < z.length; j++) z[j] = logits[j] / o.temperature();
        if (o.topK() != null && o.topK() > 0 && o.topK() < z.length) {
            double[] sorted = z.clone();
            Arrays.sort(sorted);
            double kth = sorted[sorted.length - o.topK()];
            for (int j = 0; j < z.length; j++) if (z[j] < kth) z[j] = Double.NEGATIVE_INFINITY;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double x : z) max = Math.max(max, x);
        double sum = 0;
        for (int j = 0; j < z.length; j++) sum += (z[j] = Math.exp(z[j] - max));
        double u = gen.nextDouble() * sum;
        for (int j = 0; j < z.length; j++) {
            u -= z[j];
            if (u < 0) return j;
        }
        for (int j = z.length - 1; j >= 0; j--) if (z[j] > 0) return j; // rounding at the end of the range
        return 0;
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int j = 1; j < x.length; j++) if (x[j] > x[best]) best = j;
        return best;
    }
}
