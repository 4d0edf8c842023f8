package dev.dat4j.dat.symbols;

import dev.dat4j.autograd.Generator;
import dev.dat4j.autograd.Tensor;
import dev.dat4j.autograd.nn.Module;
import dev.dat4j.dat.config.SymbolRetrieverConfig;

/**
 * Assigns a symbol to every position of the residual stream x (B, L, d) (dat-spec §4): (B, L, d)
 * symbols, or an (L, L, d) tensor for position-relative symbols.
 */
public abstract class SymbolRetriever extends Module {

    public abstract Tensor forward(Tensor x);

    /** A new retriever for {@code config}. */
    public static SymbolRetriever create(SymbolRetrieverConfig config, Generator gen) {
        return switch (config) {
            case SymbolRetrieverConfig.SymbolicAttention c -> new SymbolicAttention(c, gen, null);
            case SymbolRetrieverConfig.PositionalSymbols c -> new PositionalSymbolRetriever(c, gen, null);
            case SymbolRetrieverConfig.PositionRelative c -> new PositionRelativeSymbolRetriever(c, gen);
        };
    }

    /** A new retriever whose symbol library is {@code library}'s ({@code weight_tie_symbol_library}). */
    public static SymbolRetriever createTied(SymbolRetrieverConfig config, Generator gen, SymbolRetriever library) {
        return switch (config) {
            case SymbolRetrieverConfig.SymbolicAttention c ->
                    new SymbolicAttention(c, gen, ((SymbolicAttention) library).symbolLibrary());
            case SymbolRetrieverConfig.PositionalSymbols c ->
                    new PositionalSymbolRetriever(c, gen, ((PositionalSymbolRetriever) library).symbolLibrary());
            case SymbolRetrieverConfig.PositionRelative c ->
                    throw new IllegalArgumentException("position-relative symbols cannot share a symbol library");
        };
    }
}
