package dev.dat4j.dat.config;

/**
 * Which version of the reference code a config reproduces (dat-spec §0.1). JSON key {@code "code_era"}:
 * {@code 2} (default) is the current reference code; {@code 1} is the May-2024 code that produced
 * most published numbers. The architecture math is the same; defaults and model details differ:
 *
 * <table>
 *   <caption>era differences</caption>
 *   <tr><th>item</th><th>era 1</th><th>era 2</th></tr>
 *   <tr><td>{@code rel_proj_dim} default</td><td>{@code d_model // n_relations}</td>
 *       <td>{@code head_dim}, and {@code rel_proj_dim * n_relations == head_dim * n_heads_ra} is required</td></tr>
 *   <tr><td>{@code W_r} state-dict entry</td><td>{@code wr.weight} (n_ra·hd, d_r)</td><td>{@code wr} (n_ra, hd, d_r)</td></tr>
 *   <tr><td>SwiGLU {@code dff=null}</td><td>{@code 4*d}</td><td>{@code int(2/3*4*d)}</td></tr>
 *   <tr><td>LM head</td><td>no final norm, untied output Linear with bias, PyTorch default init,
 *       one retriever {@code layers.symbol_retriever}</td>
 *       <td>final norm, output tied to the embedding, GPT-2 init, {@code layers.symbol_retrievers.i}</td></tr>
 *   <tr><td>vision head</td><td>{@code final_out} Linear</td><td>{@code final_norm} (default true) then Linear</td></tr>
 *   <tr><td>options that did not exist</td><td colspan="2">{@code key_dim}, {@code symmetric_attn},
 *       {@code share_attn_params}, {@code symbol_retriever_config}, {@code norm_type} of the LMs,
 *       {@code update_symbols_each_layer=false}, RoPE/learned positions in seq2seq and vision,
 *       {@code final_norm=true}: rejected with {@code code_era 1}</td></tr>
 * </table>
 */
public enum CodeEra {
    ERA1(1), ERA2(2);

    public final int number;

    CodeEra(int number) {
        this.number = number;
    }

    public boolean isEra1() {
        return this == ERA1;
    }

    /** Era 1 or 2. */
    public static CodeEra of(int number) {
        return switch (number) {
            case 1 -> ERA1;
            case 2 -> ERA2;
            default -> throw new ConfigException("config field 'code_era': expected 1 or 2, got " + number);
        };
    }

    static CodeEra read(ConfigReader r) {
        int n = r.getInt("code_era", 2);
        return switch (n) {
            case 1 -> ERA1;
            case 2 -> ERA2;
            default -> throw r.error("code_era", "expected 1 (May-2024 reference code) or 2 (current code), got " + n);
        };
    }

    /** Fails if an option that era 1 did not have is used with a non-default value. */
    void requireAvailable(boolean usesOption, String field) {
        if (this == ERA1 && usesOption) {
            throw new ConfigException("config field '" + field + "': not available with code_era 1 (the May-2024 "
                    + "reference code had no such option); remove it or use code_era 2");
        }
    }
}
