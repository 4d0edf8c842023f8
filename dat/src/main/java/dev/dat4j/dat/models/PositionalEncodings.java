package dev.dat4j.dat.models;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Embedding;
import dev.dat4j.autograd.nn.Layer;

/** The seq2seq position encodings of the reference: both scale the embeddings by √d first. */
public final class PositionalEncodings {
    private PositionalEncodings() {}

    /**
     * {@code SinusoidalPositionalEncoding}: x·√d + PE[0..L−1] with PE[p, 2i] = sin(p·10000^(−2i/d)),
     * PE[p, 2i+1] = cos(…), computed in float32 arithmetic like the reference (dropout 0). The table
     * (the reference's {@code pe} buffer) is recomputed, not stored in checkpoints.
     */
    public static final class Sinusoidal extends Layer {
        private final float scale;
        private final Tensor table;

        public Sinusoidal(int dModel, int maxLen) {
            this.scale = (float) Math.sqrt(dModel);
            this.table = registerBuffer("pe", Tensor.of(table(dModel, maxLen), maxLen, dModel), false);
        }

        static float[] table(int d, int maxLen) {
            float[] pe = new float[maxLen * d];
            float step = (float) (-Math.log(10000.0) / d);
            for (int i = 0; 2 * i < d; i++) {
                float div = (float) Math.exp((float) (2 * i) * step);
                for (int p = 0; p < maxLen; p++) {
                    float angle = (float) p * div;
                    pe[p * d + 2 * i] = (float) Math.sin(angle);
                    if (2 * i + 1 < d) pe[p * d + 2 * i + 1] = (float) Math.cos(angle);
                }
            }
            return pe;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.mul(scale).add(table.narrow(0, 0, Lengths.check(x.size(1), table.size(0))));
        }
    }

    /** {@code LearnedPositionalEmbeddings}: x·√d + P[0..L−1] ({@code position_embeddings.weight}), dropout 0.1. */
    public static final class Learned extends Layer {
        private final float scale;
        private final Embedding positionEmbeddings;
        private final Generator gen;

        public Learned(int dModel, int maxLen, Generator gen) {
            this.scale = (float) Math.sqrt(dModel);
            this.positionEmbeddings = register("position_embeddings", new Embedding(maxLen, dModel, gen));
            this.gen = gen;
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor table = positionEmbeddings.weight();
            Tensor y = x.mul(scale).add(table.narrow(0, 0, Lengths.check(x.size(1), table.size(0))));
            return F.dropout(y, 0.1f, isTraining(), gen);
        }
    }

    static final class Lengths {
        private Lengths() {}

        static int check(int length, int max) {
            if (length > max) throw new IllegalArgumentException("sequence length " + length + " exceeds the block size " + max);
            return length;
        }
    }
}
