package dev.dat4j.vecops;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** {@link Simd#exp} against Math.exp over the whole float range it handles, plus its edges. */
class SimdExpTest {
    private static float[] exp(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += Simd.L) {
            Simd.exp(FloatVector.fromArray(Simd.S, x, i)).intoArray(y, i);
        }
        return y;
    }

    @Test
    void withinTwoUlpOfMathExp() {
        int n = Simd.L * 40_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -87.3f + 175.6f * i / n; // EXP_MIN .. EXP_MAX
        float[] y = exp(x);
        for (int i = 0; i < n; i++) {
            float ref = (float) Math.exp(x[i]);
            assertTrue(Math.abs(y[i] - ref) <= 2 * Math.ulp(ref), "exp(" + x[i] + ") = " + y[i] + ", expected " + ref);
        }
    }

    @Test
    void edges() {
        float[] x = new float[Simd.L];
        float[] in = {0f, -0f, 1f, -1e-8f, -100f, Float.NEGATIVE_INFINITY, 100f, Float.NaN};
        for (int i = 0; i < x.length; i++) x[i] = in[i % in.length];
        float[] y = exp(x);
        for (int i = 0; i < x.length; i++) {
            float xi = x[i];
            if (Float.isNaN(xi)) assertTrue(Float.isNaN(y[i]));
            else if (xi < -87.4f) assertEquals(0f, y[i], "exp(" + xi + ")");
            else if (xi > 88.4f) assertEquals(Float.POSITIVE_INFINITY, y[i], "exp(" + xi + ")");
            else assertEquals((float) Math.exp(xi), y[i], 2 * Math.ulp((float) Math.exp(xi)), "exp(" + xi + ")");
        }
    }

    /** expNoOverflow is exp without its overflow branch: the same bits wherever it applies (x ≤ 88), NaN and −∞ included. */
    @Test
    void noOverflowVariantHasTheSameBits() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[] x = new float[64 * Simd.L];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-120, 88);
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = 0f;
        x[3] = -0f;
        x[4] = 88f;
        float[] expected = exp(x);
        for (int i = 0; i < x.length; i += Simd.L) {
            float[] y = new float[Simd.L];
            Simd.expNoOverflow(FloatVector.fromArray(Simd.S, x, i)).intoArray(y, 0);
            for (int j = 0; j < Simd.L; j++) {
                assertEquals(Float.floatToRawIntBits(expected[i + j]), Float.floatToRawIntBits(y[j]), "expNoOverflow(" + x[i + j] + ")");
            }
        }
    }
}
