package dev.dat4j.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.fail;

/** cuBLAS GEMMs (row-major trick, transposes, leading dimensions, batches, precisions) against ScalarBackend. */
@Tag("gpu")
class CudaGemmTest {
    static final int[][] SHAPES = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {64, 1, 31}, {33, 65, 129}, {257, 129, 300}};

    /** Per-element bound eps·Σ_l |a_il|·|b_lj|: the scale of rounding error a k-term dot product can have. */
    static void assertGemmClose(float[] exp, float[] act, float[] absBound, double eps, String what) {
        for (int i = 0; i < exp.length; i++) {
            double allowed = eps * absBound[i] + 1e-6;
            if (!(Math.abs(exp[i] - act[i]) <= allowed)) {
                fail(what + ": element " + i + ": gpu " + act[i] + " vs cpu " + exp[i] + " (allowed " + allowed + ")");
            }
        }
    }

    /** Σ_l |op(A)_il|·|op(B)_lj| for a row-major (m, n) result with ldc = n. */
    static float[] absProducts(float[] a, float[] b, boolean ta, boolean tb, int m, int n, int k, int lda, int ldb) {
        float[] r = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < k; l++) {
                    s += Math.abs(a[ta ? l * lda + i : i * lda + l]) * Math.abs(b[tb ? j * ldb + l : l * ldb + j]);
                }
                r[i * n + j] = (float) s;
            }
        }
        return r;
    }

    /** f32 → bf16 → f32, rounding to nearest even: what convert.cu's f32_to_bf16 computes. */
    static float roundToBf16(float x) {
        if (Float.isNaN(x)) return x;
        int u = Float.floatToRawIntBits(x);
        u += 0x7fff + ((u >>> 16) & 1);
        return Float.intBitsToFloat(u & 0xffff0000);
    }

    static GpuHarness.Pair roundedCopy(GpuHarness h, GpuHarness.Pair p) {
        float[] v = h.cpuValues(p);
        for (int i = 0; i < v.length; i++) v[i] = roundToBf16(v[i]);
        return h.of(v);
    }

    /**
     * GEMMs over all transpose combinations and padded leading dimensions. For BF16 the CPU
     * reference multiplies the bf16-rounded inputs, so only f32 accumulation error is allowed.
     */
    private void checkGemm(GpuHarness h, GemmPrecision precision, double eps) {
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1;  // padded leading dimensions
                int aRows = ta ? k : m, bRows = tb ? n : k;
                var a = h.randn((long) aRows * lda);
                var b = h.randn((long) bRows * ldb);
                float alpha = 0.75f, beta = (t % 2 == 0) ? 0f : 0.5f;
                var c = beta == 0 ? h.out((long) m * n) : h.randn((long) m * n); // beta = 0 must ignore the NaNs
                float[] c0 = h.cpuValues(c);
                boolean bf16 = precision == GemmPrecision.BF16;
                var aRef = bf16 ? roundedCopy(h, a) : a;
                var bRef = bf16 ? roundedCopy(h, b) : b;
                h.cpu.gemm(ta, tb, m, n, k, alpha, aRef.cpu(), lda, bRef.cpu(), ldb, beta, c.cpu(), n);
                h.gpu.gemm(ta, tb, m, n, k, alpha, a.gpu(), lda, b.gpu(), ldb, beta, c.gpu(), n);
                float[] bound = absProducts(h.cpuValues(aRef), h.cpuValues(bRef), ta, tb, m, n, k, lda, ldb);
                for (int i = 0; i < bound.length; i++) bound[i] = Math.abs(alpha) * bound[i] + Math.abs(beta * (Float.isNaN(c0[i]) ? 0 : c0[i]));
                assertGemmClose(h.cpuValues(c), h.gpuValues(c), bound, eps,
                        precision + " gemm m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb);
            }
        }
    }

    @Test
    void f32MatchesScalar() {
        try (GpuHarness h = GpuHarness.open(1)) {
            h.gpu.setGemmPrecision(GemmPrecision.F32);
            checkGemm(h, GemmPrecision.F32, 1e-5);
        }
    }

    @Test
    void tf32IsWithinItsRounding() {
        try (GpuHarness h = GpuHarness.open(2)) {
            try {
                h.gpu.setGemmPrecision(GemmPrecision.TF32);
                checkGemm(h, GemmPrecision.TF32, 4e-3);   // two inputs rounded to 10-bit mantissas
            } finally {
                h.gpu.setGemmPrecision(GemmPrecision.F32);
            }
        }
    }

    @Test
    void bf16MatchesScalarOnRoundedInputs() {
        try (GpuHarness h = GpuHarness.open(5)) {
            try {
                h.gpu.setGemmPrecision(GemmPrecision.BF16);
                checkGemm(h, GemmPrecision.BF16, 1e-5);
            } finally {
                h.gpu.setGemmPrecision(GemmPrecision.F32);
            }
        }
    }

    /** C = A·1 with k = 1 exposes the operand conversion itself: ties go to even, NaN stays NaN. */
    @Test
    void bf16ConversionRoundsToNearestEven() {
        try (GpuHarness h = GpuHarness.open(6)) {
            float tieDown = 1f + 0x1p-8f, tieUp = 1f + 3 * 0x1p-8f, above = 1f + 0x1p-8f + 0x1p-20f;
            // an odd count: the conversion kernel stores pairs, the last element alone
            float[] values = {tieDown, tieUp, above, -tieUp, 3.1415927f, Float.MAX_VALUE, Float.NaN, 0f, 1f + 0x1p-9f};
            var a = h.of(values);
            var one = h.of(new float[] {1f});
            var c = h.out(values.length);
            try {
                h.gpu.setGemmPrecision(GemmPrecision.BF16);
                h.gpu.gemm(false, false, values.length, 1, 1, 1f, a.gpu(), 1, one.gpu(), 1, 0f, c.gpu(), 1);
            } finally {
                h.gpu.setGemmPrecision(GemmPrecision.F32);
            }
            float[] g = h.gpuValues(c);
            float[] expected = {1f, 1f + 0x1p-6f, 1f + 0x1p-7f, -(1f + 0x1p-6f), 3.140625f,
                    Float.POSITIVE_INFINITY, Float.NaN, 0f, 1f};
            for (int i = 0; i < values.length; i++) {
                boolean same = Float.isNaN(expected[i]) ? Float.isNaN(g[i])
                        : Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(g[i]);
                if (!same) fail("bf16(" + values[i] + "): gpu " + g[i] + ", expected " + expected[i]);
            }
        }
    }

    @Test
    void stridedBatchedWithBroadcastOperand() {
        try (GpuHarness h = GpuHarness.open(3)) {
            int m = 13, n = 7, k = 21, batch = 5;
            for (boolean broadcastB : new boolean[] {false, true}) {
                var a = h.randn((long) batch * m * k);
                var b = h.randn(broadcastB ? (long) n * k : (long) batch * n * k);
                var c = h.out((long) batch * m * n);
                long sb = broadcastB ? 0 : (long) n * k;
                h.cpu.gemmBatched(false, true, m, n, k, 1f, a.cpu(), k, (long) m * k, b.cpu(), k, sb, 0f, c.cpu(), n, (long) m * n, batch);
                h.gpu.gemmBatched(false, true, m, n, k, 1f, a.gpu(), k, (long) m * k, b.gpu(), k, sb, 0f, c.gpu(), n, (long) m * n, batch);
                h.assertClose(c, 1e-5, 1e-5, "gemmBatched broadcastB=" + broadcastB);
            }
        }
    }

    @Test
    void slicedOperandsUseTheirOffset() {
        try (GpuHarness h = GpuHarness.open(4)) {
            int m = 9, n = 11, k = 5;
            var a = h.randn(3 + (long) m * k);
            var b = h.randn(7 + (long) k * n);
            var c = h.out(1 + (long) m * n);
            h.cpu.gemm(false, false, m, n, k, 1f, a.cpu().slice(3), k, b.cpu().slice(7), n, 0f, c.cpu().slice(1), n);
            h.gpu.gemm(false, false, m, n, k, 1f, a.gpu().slice(3), k, b.gpu().slice(7), n, 0f, c.gpu().slice(1), n);
            float[] e = h.cpuValues(c), g = h.gpuValues(c);
            GpuHarness.assertClose(java.util.Arrays.copyOfRange(e, 1, e.length), java.util.Arrays.copyOfRange(g, 1, g.length),
                    1e-5, 1e-5, "gemm on slices");
            if (!Float.isNaN(g[0])) fail("gemm wrote before the start of its output slice");
        }
    }

    /**
     * Operands converted once (bf16Copy) give bit-identical results to the per-call conversion,
     * for either operand resident, in a batched GEMM on slices; the copy is refused by other ops.
     */
    @Test
    void residentBf16OperandsMatchPerCallConversion() {
        try (GpuHarness h = GpuHarness.open(7); var scope = h.gpu.newScope()) {
            int m = 33, n = 17, k = 65, batch = 3;
            var a = h.randn(1 + (long) batch * m * k);
            var b = h.randn((long) batch * n * k);
            var perCall = h.out((long) batch * m * n);
            var resident = h.out((long) batch * m * n);
            long sa = (long) m * k, sb = (long) n * k, sc = (long) m * n;
            try {
                h.gpu.setGemmPrecision(GemmPrecision.BF16);
                h.gpu.gemmBatched(false, true, m, n, k, 1f, a.gpu().slice(1), k, sa, b.gpu(), k, sb, 0f, perCall.gpu(), n, sc, batch);
            } finally {
                h.gpu.setGemmPrecision(GemmPrecision.F32);
            }
            var a16 = h.gpu.bf16Copy(scope, a.gpu(), a.n());
            var b16 = h.gpu.bf16Copy(scope, b.gpu(), b.n());
            float[] expected = h.gpuValues(perCall);
            // f32 precision is set: a resident operand alone makes the GEMM compute in bf16
            h.gpu.gemmBatched(false, true, m, n, k, 1f, a16.slice(1), k, sa, b.gpu(), k, sb, 0f, resident.gpu(), n, sc, batch);
            assertBitIdentical(expected, h.gpuValues(resident), "A resident");
            h.gpu.gemmBatched(false, true, m, n, k, 1f, a.gpu().slice(1), k, sa, b16, k, sb, 0f, resident.gpu(), n, sc, batch);
            assertBitIdentical(expected, h.gpuValues(resident), "B resident");
            h.gpu.gemmBatched(false, true, m, n, k, 1f, a16.slice(1), k, sa, b16, k, sb, 0f, resident.gpu(), n, sc, batch);
            assertBitIdentical(expected, h.gpuValues(resident), "both resident");
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> h.gpu.fill(a16, 1, 0f));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("bf16"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> h.gpu.gemm(false, false, m, n, k, 1f, a16.slice(0, 10), k, b.gpu(), n, 0f, resident.gpu(), n));
        }
    }

    /** The generic option of AcceleratorBackend is the GEMM precision. */
    @Test
    void gemmOptionSetsThePrecision() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        try {
            gpu.setOption("gemm", "TF32");
            org.junit.jupiter.api.Assertions.assertEquals(GemmPrecision.TF32, gpu.gemmPrecision());
            org.junit.jupiter.api.Assertions.assertEquals("tf32", gpu.option("gemm"));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> gpu.setOption("gemm", "fp8"));
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> gpu.setOption("gem", "f32"));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("[gemm]"), e.getMessage());
        } finally {
            gpu.setGemmPrecision(GemmPrecision.F32);
        }
    }

    private static void assertBitIdentical(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + ": element " + i + ": " + actual[i] + " vs per-call conversion " + expected[i]);
            }
        }
    }
}
