package dev.dat4j.dat.config;

/** The FFN hidden width rule of dat-spec §6.1. */
public final class FeedForwardDims {
    private FeedForwardDims() {}

    /** {@code dff} if given; else era 2: {@code int(2/3·4·d)} for SwiGLU and {@code 4·d} otherwise; era 1: {@code 4·d}. */
    public static int dff(Integer dff, Activation activation, int dModel, CodeEra era) {
        if (dff != null) return dff;
        if (activation == Activation.SWIGLU && !era.isEra1()) return (int) (2.0 / 3.0 * 4 * dModel);
        return 4 * dModel;
    }
}
