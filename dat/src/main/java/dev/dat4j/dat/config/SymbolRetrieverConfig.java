package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The symbol retriever of a DAT model: JSON {@code "symbol_retrieval"} names the kind and
 * {@code "symbol_retrieval_kwargs"} holds its arguments (dat-spec §4).
 */
public sealed interface SymbolRetrieverConfig {

    /** The {@code symbol_retrieval} string. */
    String kind();

    /** Width of the symbols it returns (must equal {@code d_model}). */
    int symbolDim();

    /** The {@code symbol_retrieval_kwargs} object. */
    Map<String, Object> kwargsJson();

    /** {@code 'symbolic_attention'}: learned template features and symbol library, per-head softmax. */
    record SymbolicAttention(int dModel, int nHeads, int nSymbols, double dropout, Double scale,
                             boolean trainableSymbols) implements SymbolRetrieverConfig {
        public String kind() {
            return "symbolic_attention";
        }

        public int symbolDim() {
            return dModel;
        }

        public Map<String, Object> kwargsJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("d_model", dModel);
            m.put("n_heads", nHeads);
            m.put("n_symbols", nSymbols);
            if (dropout != 0) m.put("dropout", dropout);
            if (scale != null) m.put("scale", scale);
            if (!trainableSymbols) m.put("trainable_symbols", false);
            return m;
        }
    }

    /** {@code 'positional_symbols'}: symbol i is row i of a learned table (max_length, symbol_dim). */
    record PositionalSymbols(int symbolDim, int maxLength, boolean sinusoidal) implements SymbolRetrieverConfig {
        public String kind() {
            return "positional_symbols";
        }

        public Map<String, Object> kwargsJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("symbol_dim", symbolDim);
            m.put("max_length", maxLength);
            if (sinusoidal) m.put("sinusoidal", true);
            return m;
        }
    }

    /** {@code 'position_relative'}: an (L, L, d) tensor, entry (i, j) encodes clip(j − i, ±max_rel_pos). */
    record PositionRelative(int symbolDim, int maxRelPos) implements SymbolRetrieverConfig {
        public String kind() {
            return "position_relative";
        }

        public Map<String, Object> kwargsJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("symbol_dim", symbolDim);
            m.put("max_rel_pos", maxRelPos);
            return m;
        }
    }

    /** Parses {@code symbol_retrieval_kwargs} for the retriever named {@code kind}. */
    public static SymbolRetrieverConfig fromJson(String kind, Map<String, Object> kwargs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symbol_retrieval", kind);
        m.put("symbol_retrieval_kwargs", kwargs);
        ConfigReader r = new ConfigReader(m, "");
        SymbolRetrieverConfig c = read(r, null);
        r.finish();
        return c;
    }

    /** Reads {@code symbol_retrieval} (default {@code defaultKind}) and {@code symbol_retrieval_kwargs} of {@code r}. */
    static SymbolRetrieverConfig read(ConfigReader r, String defaultKind) {
        String kind = r.getChoice("symbol_retrieval", defaultKind, "symbolic_attention", "positional_symbols",
                "position_relative", "rel_sym_attn");
        if (kind.equals("rel_sym_attn")) {
            throw r.error("symbol_retrieval", "'rel_sym_attn' is not supported by dat4j (the reference has it, but "
                    + "no reported experiment uses it)");
        }
        ConfigReader k = r.requireObject("symbol_retrieval_kwargs");
        SymbolRetrieverConfig c = switch (kind) {
            case "symbolic_attention" -> {
                int d = k.requirePositiveInt("d_model");
                int h = k.requirePositiveInt("n_heads");
                if (d % h != 0) throw k.error("n_heads", h + " must divide d_model " + d);
                yield new SymbolicAttention(d, h, k.requirePositiveInt("n_symbols"), k.getRate("dropout", 0),
                        k.optDouble("scale"), k.getBool("trainable_symbols", true));
            }
            case "positional_symbols" -> new PositionalSymbols(k.requirePositiveInt("symbol_dim"),
                    k.requirePositiveInt("max_length"), k.getBool("sinusoidal", false));
            default -> new PositionRelative(k.requirePositiveInt("symbol_dim"), k.requireNonNegativeInt("max_rel_pos"));
        };
        k.finish();
        return c;
    }

    /** Checks the symbols fit the model and the relational-attention flag that consumes them. */
    static void check(SymbolRetrieverConfig c, int dModel, RelationalAttentionConfig ra, int nHeadsRa, String raField) {
        if (c.symbolDim() != dModel) {
            throw new ConfigException("config field 'symbol_retrieval_kwargs': symbols have width " + c.symbolDim()
                    + " but d_model is " + dModel + " (they must be equal)");
        }
        if (nHeadsRa == 0) return;
        boolean relative = c instanceof PositionRelative;
        if (relative != ra.useRelativePositionalSymbols()) {
            throw new ConfigException("config field '" + raField + ".use_relative_positional_symbols': must be "
                    + relative + " with symbol_retrieval '" + c.kind() + "' (position-relative symbols are an (L, L, d) "
                    + "tensor, the other retrievers give (B, L, d))");
        }
    }

    static void write(SymbolRetrieverConfig c, Map<String, Object> m) {
        m.put("symbol_retrieval", c.kind());
        m.put("symbol_retrieval_kwargs", c.kwargsJson());
    }
}
