package dev.dat4j.dat.config;

/** {@code norm_type}: LayerNorm (eps 1e-5, gain and bias), RMSNorm (eps 1e-5, gain only) or none. */
public enum NormType {
    LAYERNORM("layernorm"), RMSNORM("rmsnorm"), NONE("none");

    public final String jsonName;

    NormType(String jsonName) {
        this.jsonName = jsonName;
    }

    static NormType read(ConfigReader r, String key) {
        String name = r.getChoice(key, "layernorm", "layernorm", "rmsnorm", "none");
        for (NormType t : values()) if (t.jsonName.equals(name)) return t;
        throw new AssertionError(name);
    }
}
