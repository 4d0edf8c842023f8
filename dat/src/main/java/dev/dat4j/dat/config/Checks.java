package dev.dat4j.dat.config;

/** Cross-field checks shared by the model configs. */
final class Checks {
    private Checks() {}

    /** RoPE rotates (query, key) pairs of width head_dim: it needs an even head_dim and key_dim == head_dim. */
    static void rope(String where, int headDim, Integer saKeyDim, Integer raKeyDim) {
        if (headDim % 2 != 0) {
            throw new ConfigException("config '" + where + "': RoPE needs an even head_dim, got " + headDim);
        }
        if ((saKeyDim != null && saKeyDim != headDim) || (raKeyDim != null && raKeyDim != headDim)) {
            throw new ConfigException("config '" + where + "': RoPE needs key_dim == head_dim (" + headDim + ")");
        }
    }

    static void ropeBlock(String where, int dModel, DualAttnBlockConfig b) {
        rope(where, dModel / b.totalHeads(), b.nHeadsSa() > 0 ? b.saKwargs().keyDim() : null,
                b.nHeadsRa() > 0 ? b.raKwargs().keyDim() : null);
    }

    /** The symbols of a retriever must match every block that consumes them. */
    static void symbols(SymbolRetrieverConfig s, int dModel, DualAttnBlockConfig b, String where) {
        SymbolRetrieverConfig.check(s, dModel, b.raKwargs(), b.nHeadsRa(), field(where, "ra_kwargs"));
    }

    /** The dotted name of {@code key} inside the object {@code where} ("" = top level). */
    static String field(String where, String key) {
        return where.isEmpty() ? key : where + "." + key;
    }
}
