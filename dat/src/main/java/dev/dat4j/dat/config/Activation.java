package dev.dat4j.dat.config;

/** Activation names of the reference ({@code get_activation_function}, plus {@code swiglu} for the FFN). */
public enum Activation {
    IDENTITY("identity"), RELU("relu"), SIGMOID("sigmoid"), TANH("tanh"),
    /** tanh approximation, as the reference. */
    GELU("gelu"), SILU("silu"),
    /** softmax over the last axis (for relations: over the sender index j, unmasked). */
    SOFTMAX("softmax"),
    /** gated FFN only: silu(x·W1) ⊙ (x·W3). */
    SWIGLU("swiglu");

    public final String jsonName;

    Activation(String jsonName) {
        this.jsonName = jsonName;
    }

    static Activation read(ConfigReader r, String key, String def, boolean allowSwiglu) {
        String name = def == null ? r.requireString(key) : r.getString(key, def);
        for (Activation a : values()) {
            if (a.jsonName.equals(name) && (allowSwiglu || a != SWIGLU)) return a;
        }
        StringBuilder ok = new StringBuilder();
        for (Activation a : values()) {
            if (allowSwiglu || a != SWIGLU) ok.append(ok.isEmpty() ? "" : ", ").append(a.jsonName);
        }
        throw r.error(key, "expected one of " + ok + ", got '" + name + "'");
    }
}
