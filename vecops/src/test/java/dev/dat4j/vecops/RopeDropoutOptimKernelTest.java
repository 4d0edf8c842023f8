package dev.dat4j.vecops;

import org.junit.jupiter.api.Test;

import static dev.dat4j.vecops.KernelAssert.SCALAR;
import static dev.dat4j.vecops.KernelAssert.SIZES;
import static dev.dat4j.vecops.KernelAssert.VECTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** VectorBackend's RoPE, dropout and optimiser steps against ScalarBackend: all bit-identical. */
class RopeDropoutOptimKernelTest {

    @Test
    void ropeMatchesReferenceForwardAndInverse() {
        // (batch, seq, heads, dim): dims below, at and above one vector; tables longer than seq.
        for (int[] c : new int[][] {{1, 1, 1, 2}, {2, 5, 3, 6}, {1, 17, 2, 8}, {3, 33, 4, 64}, {2, 67, 1, 34}, {4, 256, 8, 64}}) {
            int batch = c[0], seq = c[1], heads = c[2], dim = c[3];
            long n = (long) batch * seq * heads * dim;
            try (KernelAssert k = new KernelAssert("rope " + KernelAssert.shape(c))) {
                int table = (seq + 3) * dim / 2;
                CpuBuffer x = k.uniform(n, -2, 2), cos = k.uniform(table, -1, 1), sin = k.uniform(table, -1, 1);
                for (boolean inverse : new boolean[] {false, true}) {
                    CpuBuffer ys = k.zeros(n), yv = k.zeros(n);
                    SCALAR.rope(batch, seq, heads, dim, x, cos, sin, inverse, ys);
                    VECTOR.rope(batch, seq, heads, dim, x, cos, sin, inverse, yv);
                    k.assertSame(inverse ? "y (inverse)" : "y", ys, yv);
                }
                CpuBuffer inPlace = k.copyOf(x), ys = k.zeros(n);
                SCALAR.rope(batch, seq, heads, dim, x, cos, sin, false, ys);
                VECTOR.rope(batch, seq, heads, dim, inPlace, cos, sin, false, inPlace);
                k.assertSame("y (in place)", ys, inPlace);
            }
        }
    }

    @Test
    void dropoutMasksAreBitIdenticalToDropoutRng() {
        for (int n : SIZES) {
            for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f, 1f}) {
                try (KernelAssert k = new KernelAssert("dropout n=" + n + " p=" + p)) {
                    CpuBuffer x = k.uniform(n, 0.5, 2); // never 0, so every dropped element shows
                    long seed = 0x5EEDL * n + Float.floatToIntBits(p);
                    CpuBuffer ys = k.zeros(n), yv = k.zeros(n);
                    SCALAR.dropout(n, x, p, seed, ys);
                    VECTOR.dropout(n, x, p, seed, yv);
                    k.assertSame("y", ys, yv);
                    CpuBuffer inPlace = k.copyOf(x);
                    VECTOR.dropout(n, inPlace, p, seed, inPlace);
                    k.assertSame("y (in place)", ys, inPlace);
                }
            }
        }
    }

    @Test
    void dropoutThresholdIsExactAtTheBoundary() {
        // Probabilities that are exact multiples of 2^-24 and their neighbours.
        for (float p : new float[] {0x1.0p-24f, 3 * 0x1.0p-24f, Math.nextUp(0.25f), Math.nextDown(0.25f), 0.25f}) {
            int t = VectorDropout.threshold(p);
            assertEquals(true, t * 0x1.0p-24f >= p, "threshold(" + p + ") keeps a value below p");
            assertEquals(false, (t - 1) * 0x1.0p-24f >= p, "threshold(" + p + ") drops a value ≥ p");
        }
    }

    @Test
    void adamAndAdamWStepsAreBitIdentical() {
        for (int n : SIZES) {
            for (boolean decoupled : new boolean[] {false, true}) {
                try (KernelAssert k = new KernelAssert("adamStep n=" + n + " decoupled=" + decoupled)) {
                    CpuBuffer ps = k.uniform(n, -1, 1), gs = k.uniform(n, -0.1, 0.1), ms = k.uniform(n, -0.01, 0.01), vs = k.uniform(n, 0, 0.001);
                    CpuBuffer pv = k.copyOf(ps), mv = k.copyOf(ms), vv = k.copyOf(vs);
                    for (int step = 1; step <= 3; step++) {
                        SCALAR.adamStep(n, ps, gs, ms, vs, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
                        VECTOR.adamStep(n, pv, gs, mv, vv, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
                    }
                    k.assertSame("param", ps, pv);
                    k.assertSame("m", ms, mv);
                    k.assertSame("v", vs, vv);
                }
            }
        }
    }

    @Test
    void sgdStepsAreBitIdenticalWithAndWithoutMomentum() {
        for (int n : SIZES) {
            for (float momentum : new float[] {0f, 0.9f}) {
                try (KernelAssert k = new KernelAssert("sgdStep n=" + n + " momentum=" + momentum)) {
                    CpuBuffer ps = k.uniform(n, -1, 1), g = k.uniform(n, -0.1, 0.1), pv = k.copyOf(ps);
                    CpuBuffer bs = momentum == 0f ? null : k.zeros(n), bv = momentum == 0f ? null : k.zeros(n);
                    for (int step = 0; step < 3; step++) {
                        SCALAR.sgdStep(n, ps, g, bs, 0.05f, momentum, 1e-4f, step == 0);
                        VECTOR.sgdStep(n, pv, g, bv, 0.05f, momentum, 1e-4f, step == 0);
                    }
                    k.assertSame("param", ps, pv);
                    if (bs != null) k.assertSame("momentum", bs, bv);
                }
            }
        }
    }
}
