package dev.dat4j.dat.symbols;

import dev.dat4j.autograd.F;
import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Init;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.dat.config.SymbolRetrieverConfig;

/**
 * Position-relative symbols, dat-spec §4.2: an (L, L, d) tensor whose entry (i, j) is row
 * {@code clip(j − i, −m, m) + m} of a learned table {@code rel_pos_enc.rel_pos_embeddings}
 * (2m+1, d), m = {@code max_rel_pos}: receiver i sees sender j through their offset j − i.
 */
public final class PositionRelativeSymbolRetriever extends SymbolRetriever {
    private final RelativePositionalEncoding relPosEnc;

    PositionRelativeSymbolRetriever(SymbolRetrieverConfig.PositionRelative c, Generator gen) {
        this.relPosEnc = register("rel_pos_enc", new RelativePositionalEncoding(c.symbolDim(), c.maxRelPos(), gen));
    }

    /** x (B, L, d) → symbols (L, L, d); only L is read from x. */
    @Override
    public Tensor forward(Tensor x) {
        return relPosEnc.forward(x.size(1));
    }

    /** Row index of the table for receiver i and sender j: clip(j − i, −m, m) + m. */
    public static int tableRow(int i, int j, int maxRelPos) {
        return Math.clamp(j - i, -maxRelPos, maxRelPos) + maxRelPos;
    }

    /** The table holder, named as in the reference ({@code RelativePositionalEncoding}). */
    static final class RelativePositionalEncoding extends Module {
        private final int maxRelPos;
        private final Parameter table;

        RelativePositionalEncoding(int dim, int maxRelPos, Generator gen) {
            this.maxRelPos = maxRelPos;
            this.table = registerParameter("rel_pos_embeddings", Parameter.zeros(2 * maxRelPos + 1, dim));
            Init.xavierUniform_(table, 1.0, gen);
        }

        Tensor forward(int length) {
            int[] rows = new int[length * length];
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < length; j++) rows[i * length + j] = tableRow(i, j, maxRelPos);
            }
            return F.embedding(Tensor.ofInts(rows, length, length), table);
        }
    }
}
