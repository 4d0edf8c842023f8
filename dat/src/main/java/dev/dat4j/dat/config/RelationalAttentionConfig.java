package dev.dat4j.dat.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options of the relational heads ({@code ra_kwargs}; dat-spec §3.2) for the module {@code type}
 * ({@code ra_type}). Null fields take the reference defaults: {@code n_relations = n_heads_ra},
 * {@code key_dim = head_dim}, {@code n_kv_heads = n_heads_ra}, {@code rel_proj_dim} per
 * {@link CodeEra}.
 *
 * <p>The ablation variants take the keywords of their reference classes: RCA {@code n_kv_heads},
 * {@code activation} (of the scores, default softmax; stored in {@code relActivation}),
 * {@code add_bias_kv}, {@code add_bias_out}, {@code use_relative_positional_symbols}; DisRCA the same
 * with {@code rel_activation} (default identity) instead of {@code activation}.
 */
public record RelationalAttentionConfig(RaType type, Integer nRelations, Integer keyDim, Integer nKvHeads,
                                        Activation relActivation, Integer relProjDim, boolean addBiasKv,
                                        boolean addBiasOut, boolean symmetricRels, boolean symmetricAttn,
                                        boolean useRelativePositionalSymbols) {

    public static final RelationalAttentionConfig DEFAULT = new RelationalAttentionConfig(RaType.RELATIONAL_ATTENTION,
            null, null, null, Activation.IDENTITY, null, false, false, false, false, false);

    /** The layout of one relational attention module, after defaults and checks. */
    public record Shape(int dModel, int nHeads, int nKvHeads, int headDim, int keyDim, int nRelations,
                        int relProjDim, CodeEra era) {
        public int groupSize() {
            return nHeads / nKvHeads;
        }
    }

    /** Parses an {@code ra_kwargs} object (JSON already parsed) for the module {@code type}. */
    public static RelationalAttentionConfig fromJson(java.util.Map<String, Object> json, CodeEra era, RaType type) {
        return read(new ConfigReader(json, ""), era, type);
    }

    static RelationalAttentionConfig read(ConfigReader r, CodeEra era, RaType type) {
        if (type != RaType.RELATIONAL_ATTENTION) return readCrossAttention(r, type);
        RelationalAttentionConfig c = new RelationalAttentionConfig(type,
                r.optPositiveInt("n_relations"), r.optPositiveInt("key_dim"), r.optPositiveInt("n_kv_heads"),
                Activation.read(r, "rel_activation", "identity", false), r.optPositiveInt("rel_proj_dim"),
                r.getBool("add_bias_kv", false), r.getBool("add_bias_out", false), r.getBool("symmetric_rels", false),
                r.getBool("symmetric_attn", false), r.getBool("use_relative_positional_symbols", false));
        era.requireAvailable(c.keyDim != null, r.field("key_dim"));
        era.requireAvailable(c.symmetricAttn, r.field("symmetric_attn"));
        r.finish();
        return c;
    }

    /** The {@code ra_kwargs} of RCA / DisRCA (their reference classes' keywords). */
    private static RelationalAttentionConfig readCrossAttention(ConfigReader r, RaType type) {
        Activation act = type == RaType.RCA ? Activation.read(r, "activation", "softmax", false)
                : Activation.read(r, "rel_activation", "identity", false);
        RelationalAttentionConfig c = new RelationalAttentionConfig(type, null, null, r.optPositiveInt("n_kv_heads"), act,
                null, r.getBool("add_bias_kv", false), r.getBool("add_bias_out", false), false, false,
                r.getBool("use_relative_positional_symbols", false));
        r.finish();
        return c;
    }

    /** Resolves and checks the layout for {@code nHeads} RA heads out of {@code totalHeads}. */
    public Shape resolve(String where, int dModel, int nHeads, int totalHeads, CodeEra era) {
        if (totalHeads <= 0 || dModel % totalHeads != 0) {
            throw new ConfigException("config '" + where + "': d_model " + dModel + " must be divisible by the total "
                    + "number of heads " + totalHeads);
        }
        int hd = dModel / totalHeads;
        int kv = nKvHeads == null ? nHeads : nKvHeads;
        if (nHeads % kv != 0) {
            throw new ConfigException("config field '" + where + ".n_kv_heads': " + kv + " must divide the number of "
                    + "relational heads " + nHeads);
        }
        if (type == RaType.DISRCA && kv != 1 && kv != nHeads) {
            throw new ConfigException("config field '" + where + ".n_kv_heads': ra_type 'disrca' broadcasts its relation "
                    + "keys over the heads as the reference does, so n_kv_heads must be 1 or n_heads (" + nHeads + "), got " + kv);
        }
        if (type != RaType.RELATIONAL_ATTENTION) return new Shape(dModel, nHeads, kv, hd, hd, 0, 0, era);
        if (symmetricAttn && kv != nHeads) {
            throw new ConfigException("config field '" + where + ".symmetric_attn': the key projection is the query "
                    + "projection, so n_kv_heads (" + kv + ") must equal n_heads (" + nHeads + ")");
        }
        int nr = nRelations == null ? nHeads : nRelations;
        int rp;
        if (relProjDim != null) {
            rp = relProjDim;
        } else if (era.isEra1()) {
            rp = dModel / nr;
            if (rp == 0) throw new ConfigException("config field '" + where + ".n_relations': " + nr + " exceeds d_model");
        } else {
            rp = hd;
        }
        if (!era.isEra1() && rp * nr != hd * nHeads) {
            String hint = (hd * nHeads) % nr == 0 ? "pass rel_proj_dim = " + (hd * nHeads / nr) : "choose n_relations dividing " + hd * nHeads;
            throw new ConfigException("config '" + where + "': with code_era 2, rel_proj_dim * n_relations must equal "
                    + "head_dim * n_heads (" + rp + " * " + nr + " != " + hd + " * " + nHeads + "); " + hint
                    + ", or use code_era 1 (rel_proj_dim = d_model // n_relations, no such rule)");
        }
        return new Shape(dModel, nHeads, kv, hd, keyDim == null ? hd : keyDim, nr, rp, era);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (type != RaType.RELATIONAL_ATTENTION) {
            if (nKvHeads != null) m.put("n_kv_heads", nKvHeads);
            Activation def = type == RaType.RCA ? Activation.SOFTMAX : Activation.IDENTITY;
            if (relActivation != def) m.put(type == RaType.RCA ? "activation" : "rel_activation", relActivation.jsonName);
            if (addBiasKv) m.put("add_bias_kv", true);
            if (addBiasOut) m.put("add_bias_out", true);
            if (useRelativePositionalSymbols) m.put("use_relative_positional_symbols", true);
            return m;
        }
        if (nRelations != null) m.put("n_relations", nRelations);
        if (keyDim != null) m.put("key_dim", keyDim);
        if (nKvHeads != null) m.put("n_kv_heads", nKvHeads);
        if (relActivation != Activation.IDENTITY) m.put("rel_activation", relActivation.jsonName);
        if (relProjDim != null) m.put("rel_proj_dim", relProjDim);
        if (addBiasKv) m.put("add_bias_kv", true);
        if (addBiasOut) m.put("add_bias_out", true);
        if (symmetricRels) m.put("symmetric_rels", true);
        if (symmetricAttn) m.put("symmetric_attn", true);
        if (useRelativePositionalSymbols) m.put("use_relative_positional_symbols", true);
        return m;
    }
}
