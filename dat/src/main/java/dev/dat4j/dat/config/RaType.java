package dev.dat4j.dat.config;

/**
 * Which relational module a dual-attention layer uses ({@code ra_type}, dat-spec §5): the paper's
 * relational attention, or one of the reference's ablation variants, relational cross-attention
 * (RCA) and disentangled RCA. Each reads its own {@code ra_kwargs} keys (see
 * {@link RelationalAttentionConfig}).
 */
public enum RaType {
    RELATIONAL_ATTENTION("relational_attention"), RCA("rca"), DISRCA("disrca");

    public final String jsonName;

    RaType(String jsonName) {
        this.jsonName = jsonName;
    }

    static RaType read(ConfigReader r) {
        String name = r.getChoice("ra_type", RELATIONAL_ATTENTION.jsonName, "relational_attention", "rca", "disrca");
        for (RaType t : values()) {
            if (t.jsonName.equals(name)) return t;
        }
        throw new IllegalStateException(name); // getChoice accepted only the names above
    }
}
