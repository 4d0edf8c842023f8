package dev.dat4j.vecops;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Simd#log} and {@link Simd#tanh} against Math.log / Math.tanh over their float ranges and edges. */
class SimdLogTanhTest {
    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += Simd.L) f.apply(FloatVector.fromArray(Simd.S, x, i)).intoArray(y, i);
        return y;
    }

    @Test
    void logWithinTwoUlpOverTheFloatRange() {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[Simd.L * 20_000];
        for (int i = 0; i < x.length; i++) {
            // log-uniform over normal and subnormal floats, plus a dense band around 1
            x[i] = i % 4 == 0 ? (float) (1 + r.nextDouble(-0.3, 0.3)) : (float) Math.exp(r.nextDouble(-103, 88.7));
        }
        float[] y = apply(Simd::log, x);
        for (int i = 0; i < x.length; i++) {
            float ref = (float) Math.log(x[i]);
            assertTrue(Math.abs(y[i] - ref) <= 2 * Math.ulp(ref), "log(" + x[i] + ") = " + y[i] + ", expected " + ref);
        }
    }

    @Test
    void logEdges() {
        float[] special = {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, Float.MIN_VALUE,
                Float.MIN_NORMAL, Float.MAX_VALUE, 2f, 0.5f, (float) Math.E};
        float[] x = new float[(special.length + Simd.L - 1) / Simd.L * Simd.L];
        System.arraycopy(special, 0, x, 0, special.length);
        float[] y = apply(Simd::log, x);
        for (int i = 0; i < special.length; i++) {
            float ref = (float) Math.log(x[i]);
            if (Float.isNaN(ref) || Float.isInfinite(ref) || ref == 0f) assertEquals(ref, y[i], "log(" + x[i] + ")");
            else assertTrue(Math.abs(y[i] - ref) <= 2 * Math.ulp(ref), "log(" + x[i] + ") = " + y[i] + ", expected " + ref);
        }
    }

    @Test
    void tanhWithinTwoUlpOrTwoTenMillionths() {
        SplittableRandom r = new SplittableRandom(8);
        float[] x = new float[Simd.L * 20_000];
        for (int i = 0; i < x.length; i++) x[i] = i % 3 == 0 ? (float) r.nextDouble(-1, 1) : (float) r.nextDouble(-20, 20);
        x[0] = 0f;
        x[1] = -0f;
        x[2] = 1e-30f;
        x[3] = Float.NaN;
        x[4] = Float.POSITIVE_INFINITY;
        x[5] = Float.NEGATIVE_INFINITY;
        x[6] = 0.625f;
        x[7] = -0.625f;
        float[] y = apply(Simd::tanh, x);
        for (int i = 0; i < x.length; i++) {
            float ref = (float) Math.tanh(x[i]);
            if (Float.isNaN(ref)) {
                assertTrue(Float.isNaN(y[i]), "tanh(NaN)");
                continue;
            }
            assertTrue(Math.abs(y[i] - ref) <= 2 * Math.ulp(ref) || Math.abs(y[i] - ref) <= 1e-7f,
                    "tanh(" + x[i] + ") = " + y[i] + ", expected " + ref);
            assertEquals(Math.copySign(1f, ref), Math.copySign(1f, y[i]), "sign of tanh(" + x[i] + ")");
        }
    }
}
