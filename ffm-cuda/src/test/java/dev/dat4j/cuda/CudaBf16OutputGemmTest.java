package dev.dat4j.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.dat4j.cuda.CudaGemmTest.SHAPES;
import static dev.dat4j.cuda.CudaGemmTest.absProducts;
import static dev.dat4j.cuda.CudaGemmTest.roundToBf16;
import static dev.dat4j.cuda.CudaGemmTest.roundedCopy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * GEMMs that write a bf16 C ({@link CudaBackend#bf16Buffer}; bf16 in, bf16 out, f32 accumulation,
 * as torch.matmul on bf16 tensors) against ScalarBackend on the bf16-rounded inputs: the only
 * differences allowed are f32 accumulation order and the final rounding of C to bf16.
 */
@Tag("gpu")
class CudaBf16OutputGemmTest {
    /** Largest relative error of rounding an f32 to the nearest bf16 (8 significant bits). */
    private static final double BF16_HALF_ULP = 0x1p-8;

    /** C's values widened to f32 on the host (through bf16ToFloat). */
    private static float[] widened(GpuHarness h, CudaBuffer c16, long n) {
        var f = h.out(n);
        h.gpu.bf16ToFloat(c16, f.gpu(), n);
        return h.gpuValues(f);
    }

    /**
     * |gpu − cpu| ≤ 2⁻⁸·|cpu| (C rounded to bf16) + eps·Σ|terms| (f32 accumulation), element by
     * element; the CPU result is an f32 GEMM on the same bf16-rounded operands.
     */
    private static void assertWithinBf16(float[] cpu, float[] gpu, float[] absBound, double eps, String what) {
        for (int i = 0; i < cpu.length; i++) {
            double allowed = BF16_HALF_ULP * Math.abs(cpu[i]) + eps * absBound[i] * (1 + BF16_HALF_ULP) + 1e-6;
            if (!(Math.abs(cpu[i] - gpu[i]) <= allowed)) {
                fail(what + ": element " + i + ": gpu " + gpu[i] + " vs cpu " + cpu[i] + " (allowed " + allowed + ")");
            }
        }
    }

    /** Every transpose combination with padded leading dimensions, beta 0 and 0.5, A resident or converted per call. */
    @Test
    void bf16OutputMatchesScalarWithinBf16Rounding() {
        try (GpuHarness h = GpuHarness.open(11); var scope = h.gpu.newScope()) {
            for (int[] s : SHAPES) {
                int m = s[0], n = s[1], k = s[2];
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1;
                    var a = h.randn((long) (ta ? k : m) * lda);
                    var b = h.randn((long) (tb ? n : k) * ldb);
                    float alpha = 0.75f, beta = (t % 2 == 0) ? 0f : 0.5f;
                    // beta = 0 must ignore C's NaNs; otherwise C starts as the bf16 values of c
                    var c = beta == 0 ? h.out((long) m * n) : roundedCopy(h, h.randn((long) m * n));
                    var c16 = h.gpu.bf16Copy(scope, c.gpu(), c.n());
                    float[] c0 = h.cpuValues(c);
                    var aRef = roundedCopy(h, a);
                    var bRef = roundedCopy(h, b);
                    var aGpu = t < 2 ? a.gpu() : h.gpu.bf16Copy(scope, a.gpu(), a.n());
                    h.cpu.gemm(ta, tb, m, n, k, alpha, aRef.cpu(), lda, bRef.cpu(), ldb, beta, c.cpu(), n);
                    h.gpu.gemm(ta, tb, m, n, k, alpha, aGpu, lda, b.gpu(), ldb, beta, c16, n);
                    float[] bound = absProducts(h.cpuValues(aRef), h.cpuValues(bRef), ta, tb, m, n, k, lda, ldb);
                    for (int i = 0; i < bound.length; i++) bound[i] = alpha * bound[i] + Math.abs(beta * (Float.isNaN(c0[i]) ? 0 : c0[i]));
                    assertWithinBf16(h.cpuValues(c), widened(h, c16, c.n()), bound, 1e-5,
                            "bf16-out gemm m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb);
                }
            }
        }
    }

    /**
     * A batched GEMM into a slice of a bf16 C (the element before it stays untouched), whose
     * result then feeds a second GEMM as a bf16 operand: a bf16 pipeline with no f32 in between.
     */
    @Test
    void batchedIntoSliceAndChained() {
        try (GpuHarness h = GpuHarness.open(12); var scope = h.gpu.newScope()) {
            int m = 37, n = 19, k = 130, batch = 3, n2 = 5;
            long sa = (long) m * k, sb = (long) k * n, sc = (long) m * n;
            var a = roundedCopy(h, h.randn(batch * sa));
            var b = roundedCopy(h, h.randn(batch * sb));
            var c = h.out(1 + batch * sc);
            var c16 = h.gpu.bf16Buffer(scope, 1 + batch * sc);   // zeroed
            h.gpu.gemmBatched(false, false, m, n, k, 1f, a.gpu(), k, sa, b.gpu(), n, sb, 0f, c16.slice(1), n, sc, batch);
            h.cpu.gemmBatched(false, false, m, n, k, 1f, a.cpu(), k, sa, b.cpu(), n, sb, 0f, c.cpu().slice(1), n, sc, batch);
            float[] cpu = h.cpuValues(c), gpu = widened(h, c16, c.n());
            if (gpu[0] != 0f) fail("bf16 gemm wrote before the start of its output slice: " + gpu[0]);
            float[] bound = new float[(int) (batch * sc)];
            for (int e = 0; e < batch; e++) {
                float[] ae = Arrays.copyOfRange(h.cpuValues(a), (int) (e * sa), (int) ((e + 1) * sa));
                float[] be = Arrays.copyOfRange(h.cpuValues(b), (int) (e * sb), (int) ((e + 1) * sb));
                System.arraycopy(absProducts(ae, be, false, false, m, n, k, k, n), 0, bound, (int) (e * sc), (int) sc);
            }
            assertWithinBf16(Arrays.copyOfRange(cpu, 1, cpu.length), Arrays.copyOfRange(gpu, 1, gpu.length),
                    bound, 1e-5, "batched bf16-out gemm");

            // D (m, n2) = C₀ (m, n) · W (n, n2), C₀ read as a bf16 operand; the CPU multiplies C₀'s bf16 values.
            var w = roundedCopy(h, h.randn((long) n * n2));
            var c0 = h.of(Arrays.copyOfRange(gpu, 1, 1 + (int) sc));
            var d = h.out((long) m * n2);
            h.gpu.gemm(false, false, m, n2, n, 1f, c16.slice(1), n, w.gpu(), n2, 0f, d.gpu(), n2);
            h.cpu.gemm(false, false, m, n2, n, 1f, c0.cpu(), n, w.cpu(), n2, 0f, d.cpu(), n2);
            CudaGemmTest.assertGemmClose(h.cpuValues(d), h.gpuValues(d),
                    absProducts(h.cpuValues(c0), h.cpuValues(w), false, false, m, n2, n, n, n2), 1e-5, "gemm on a bf16 result");
        }
    }

    /** bf16ToFloat widens exactly (odd count, ties, NaN, infinity); it and bf16Buffer refuse what they cannot take. */
    @Test
    void bf16ToFloatIsExactAndChecksItsArguments() {
        try (GpuHarness h = GpuHarness.open(13); var scope = h.gpu.newScope()) {
            float[] values = {1f + 0x1p-8f, 1f + 3 * 0x1p-8f, -2.5f, 3.1415927f, Float.MAX_VALUE, Float.NaN, -0f, 1e-40f, 7f};
            var x = h.of(values);
            var back = h.out(values.length);
            h.gpu.bf16ToFloat(h.gpu.bf16Copy(scope, x.gpu(), x.n()), back.gpu(), values.length);
            float[] g = h.gpuValues(back);
            for (int i = 0; i < values.length; i++) {
                float e = roundToBf16(values[i]);
                boolean same = Float.isNaN(e) ? Float.isNaN(g[i]) : Float.floatToRawIntBits(e) == Float.floatToRawIntBits(g[i]);
                if (!same) fail("bf16ToFloat(bf16(" + values[i] + ")): gpu " + g[i] + ", expected " + e);
            }
            var e = assertThrows(IllegalArgumentException.class, () -> h.gpu.bf16ToFloat(x.gpu(), back.gpu(), 1));
            assertTrue(e.getMessage().contains("expected a bf16 buffer"), e.getMessage());
            var c16 = h.gpu.bf16Buffer(scope, 4);
            e = assertThrows(IllegalArgumentException.class, () -> h.gpu.bf16ToFloat(c16, back.gpu(), 5));
            assertTrue(e.getMessage().contains("bf16 buffer has 4 elements"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> h.gpu.copy(c16, back.gpu(), 1));
            assertTrue(e.getMessage().contains("only be operand A, B or C of a GEMM"), e.getMessage());
            try (var cpuScope = h.cpu.newScope()) {
                e = assertThrows(IllegalArgumentException.class, () -> h.gpu.bf16Buffer(cpuScope, 4));
                assertTrue(e.getMessage().contains("scope must be a memory scope of cuda"), e.getMessage());
            }
            // a bf16 C too short for the GEMM is refused before anything runs
            assertThrows(IllegalArgumentException.class,
                    () -> h.gpu.gemm(false, false, 2, 3, 1, 1f, x.gpu(), 1, x.gpu(), 3, 0f, c16, 3));
        }
    }
}
