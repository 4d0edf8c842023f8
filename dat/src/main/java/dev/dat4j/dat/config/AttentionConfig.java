package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of standard attention ({@code sa_kwargs}, {@code cross_kwargs}, {@code attn_kwargs}; dat-spec §2.1).
 * Null means the reference's {@code None} default ({@code key_dim = head_dim}, {@code n_kv_heads = n_heads}).
 */
public record AttentionConfig(Integer keyDim, Integer nKvHeads, boolean addBiasKv, boolean addBiasOut,
                              boolean symmetricAttn) {

    public static final AttentionConfig DEFAULT = new AttentionConfig(null, null, false, false, false);

    /** The head layout of one attention module, after defaults and checks. */
    public record Shape(int dModel, int nHeads, int nKvHeads, int headDim, int keyDim) {
        /** Query heads per key/value head (query head h uses kv head h / groupSize). */
        public int groupSize() {
            return nHeads / nKvHeads;
        }
    }

    /** Parses an options object such as {@code sa_kwargs} (JSON already parsed). */
    public static AttentionConfig fromJson(java.util.Map<String, Object> json, CodeEra era) {
        return read(new ConfigReader(json, ""), era);
    }

    static AttentionConfig read(ConfigReader r, CodeEra era) {
        AttentionConfig c = new AttentionConfig(r.optPositiveInt("key_dim"), r.optPositiveInt("n_kv_heads"),
                r.getBool("add_bias_kv", false), r.getBool("add_bias_out", false), r.getBool("symmetric_attn", false));
        era.requireAvailable(c.keyDim != null, r.field("key_dim"));
        era.requireAvailable(c.symmetricAttn, r.field("symmetric_attn"));
        r.finish();
        return c;
    }

    /**
     * Resolves the layout for {@code nHeads} query heads out of {@code totalHeads} (dual attention)
     * and checks it; {@code where} names the config field in errors (e.g. {@code "sa_kwargs"}).
     */
    public Shape resolve(String where, int dModel, int nHeads, int totalHeads) {
        if (totalHeads <= 0 || dModel % totalHeads != 0) {
            throw new ConfigException("config '" + where + "': d_model " + dModel + " must be divisible by the total "
                    + "number of heads " + totalHeads);
        }
        int hd = dModel / totalHeads;
        int kv = nKvHeads == null ? nHeads : nKvHeads;
        if (nHeads % kv != 0) {
            throw new ConfigException("config field '" + where + ".n_kv_heads': " + kv + " must divide the number of "
                    + "query heads " + nHeads);
        }
        if (symmetricAttn && kv != nHeads) {
            throw new ConfigException("config field '" + where + ".symmetric_attn': the key projection is the query "
                    + "projection, so n_kv_heads (" + kv + ") must equal n_heads (" + nHeads + ")");
        }
        return new Shape(dModel, nHeads, kv, hd, keyDim == null ? hd : keyDim);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (keyDim != null) m.put("key_dim", keyDim);
        if (nKvHeads != null) m.put("n_kv_heads", nKvHeads);
        if (addBiasKv) m.put("add_bias_kv", true);
        if (addBiasOut) m.put("add_bias_out", true);
        if (symmetricAttn) m.put("symmetric_attn", true);
        return m;
    }
}
