package dev.dat4j.dat.symbols;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Embedding;
import dev.dat4j.dat.config.SymbolRetrieverConfig;

/**
 * Positional symbols, dat-spec §4.1: symbol i is row i of a learned table {@code symbol_library.weight}
 * (max_length, d), the same for every batch element. ({@code sinusoidal} is accepted and unused, as
 * in the reference.)
 */
public final class PositionalSymbolRetriever extends SymbolRetriever {
    private final Embedding symbolLibrary;

    PositionalSymbolRetriever(SymbolRetrieverConfig.PositionalSymbols c, Generator gen, Embedding shared) {
        this.symbolLibrary = register("symbol_library", shared != null ? shared : new Embedding(c.maxLength(), c.symbolDim(), gen));
    }

    Embedding symbolLibrary() {
        return symbolLibrary;
    }

    /** x (B, L, d) → symbols (B, L, d) (a broadcast view of the table's first L rows). */
    @Override
    public Tensor forward(Tensor x) {
        int b = x.size(0), l = x.size(1);
        Tensor table = symbolLibrary.weight();
        if (l > table.size(0)) {
            throw new IllegalArgumentException("positional symbols: sequence length " + l + " exceeds max_length "
                    + table.size(0));
        }
        return table.narrow(0, 0, l).unsqueeze(0).expand(b, l, table.size(1));
    }
}
