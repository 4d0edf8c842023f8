package dev.dat4j.cuda;

import dev.dat4j.vecops.BinaryOp;
import dev.dat4j.vecops.DropoutRng;
import dev.dat4j.vecops.UnaryOp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** elementwise.cu (and fill/copy) against ScalarBackend on odd sizes. */
@Tag("gpu")
class CudaElementwiseTest {
    private static final long[] SIZES = {1, 7, 255, 257, 1000, 100_003};

    /** Inputs inside each op's domain (LOG, SQRT, RSQRT need x > 0). */
    private static GpuHarness.Pair input(GpuHarness h, UnaryOp op, long n) {
        return switch (op) {
            case LOG, SQRT, RSQRT -> h.uniform(n, 0.01f, 10f);
            case EXP -> h.uniform(n, -20f, 20f);
            default -> h.uniform(n, -6f, 6f);
        };
    }

    @Test
    void unaryForwardAndBackward() {
        try (GpuHarness h = GpuHarness.open(10)) {
            for (UnaryOp op : UnaryOp.values()) {
                for (long n : SIZES) {
                    var x = input(h, op, n);
                    var y = h.out(n);
                    h.cpu.unary(op, n, x.cpu(), y.cpu());
                    h.gpu.unary(op, n, x.gpu(), y.gpu());
                    h.assertClose(y, 3e-7, 1e-6, op + " forward n=" + n);
                    // Backward from the same y on both sides: 1 − y² etc. would magnify a 1-ulp forward difference.
                    var ySame = h.of(h.cpuValues(y));
                    var dy = h.randn(n);
                    var dx = h.out(n);
                    h.cpu.unaryBackward(op, n, x.cpu(), ySame.cpu(), dy.cpu(), dx.cpu());
                    h.gpu.unaryBackward(op, n, x.gpu(), ySame.gpu(), dy.gpu(), dx.gpu());
                    h.assertClose(dx, 1e-6, 1e-6, op + " backward n=" + n);
                }
            }
        }
    }

    @Test
    void unaryInPlace() {
        try (GpuHarness h = GpuHarness.open(11)) {
            var x = h.randn(1001);
            h.cpu.unary(UnaryOp.TANH, 1001, x.cpu(), x.cpu());
            h.gpu.unary(UnaryOp.TANH, 1001, x.gpu(), x.gpu());
            h.assertClose(x, 3e-7, 0, "tanh in place");
        }
    }

    @Test
    void affinePowAxpyWhereAreExact() {
        try (GpuHarness h = GpuHarness.open(12)) {
            for (long n : SIZES) {
                var x = h.uniform(n, 0.1f, 4f);
                var y = h.out(n);
                h.cpu.affine(n, x.cpu(), 1.5f, -0.25f, y.cpu());
                h.gpu.affine(n, x.gpu(), 1.5f, -0.25f, y.gpu());
                h.assertExact(y, "affine n=" + n);

                h.cpu.pow(n, x.cpu(), 2.5f, y.cpu());
                h.gpu.pow(n, x.gpu(), 2.5f, y.gpu());
                h.assertClose(y, 3e-7, 0, "pow n=" + n);

                var acc = h.randn(n);
                h.cpu.axpy(n, -0.3f, x.cpu(), acc.cpu());
                h.gpu.axpy(n, -0.3f, x.gpu(), acc.gpu());
                h.assertExact(acc, "axpy n=" + n);

                float[] c = new float[(int) n];
                for (int i = 0; i < n; i++) c[i] = h.random.nextBoolean() ? 1f : 0f;
                var cond = h.of(c);
                var b = h.randn(n);
                h.cpu.where(n, cond.cpu(), x.cpu(), b.cpu(), y.cpu());
                h.gpu.where(n, cond.gpu(), x.gpu(), b.gpu(), y.gpu());
                h.assertExact(y, "where n=" + n);
            }
        }
    }

    @Test
    void fillAndCopy() {
        try (GpuHarness h = GpuHarness.open(13)) {
            var x = h.out(1003);
            h.cpu.fill(x.cpu(), 1000, -2.5f);
            h.gpu.fill(x.gpu(), 1000, -2.5f);  // the last 3 stay NaN on both sides
            h.assertExact(x, "fill");
            var src = h.randn(777);
            var dst = h.out(777);
            h.cpu.copy(src.cpu().slice(5), dst.cpu().slice(2), 700);
            h.gpu.copy(src.gpu().slice(5), dst.gpu().slice(2), 700);
            h.assertExact(dst, "copy between slices");
        }
    }

    @Test
    void binaryWithBroadcasting() {
        try (GpuHarness h = GpuHarness.open(14)) {
            int[][] shapes = {{1}, {5, 7}, {3, 1, 9}, {2, 3, 4, 5}, {33, 65}};
            for (int[] shape : shapes) {
                long n = 1;
                for (int d : shape) n *= d;
                long[] contiguous = contiguous(shape);
                long[] lastAxisOnly = new long[shape.length];   // b broadcast over all but the last axis
                lastAxisOnly[shape.length - 1] = 1;
                for (BinaryOp op : BinaryOp.values()) {
                    var a = h.uniform(n, -3f, 3f);
                    var b = op == BinaryOp.EQ ? a : h.uniform(shape[shape.length - 1], 0.5f, 3f);
                    long[] bStrides = op == BinaryOp.EQ ? contiguous : lastAxisOnly;
                    var out = h.out(n);
                    h.cpu.binary(op, shape, a.cpu(), contiguous, b.cpu(), bStrides, out.cpu());
                    h.gpu.binary(op, shape, a.gpu(), contiguous, b.gpu(), bStrides, out.gpu());
                    h.assertExact(out, op + " shape " + java.util.Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void copyStridedTransposesAndExpands() {
        try (GpuHarness h = GpuHarness.open(15)) {
            // (2,3,5,7) read as its permutation (0,2,1,3): the attention head split.
            int[] shape = {2, 5, 3, 7};
            long[] strides = {105, 7, 35, 1};
            var src = h.randn(210);
            var out = h.out(210);
            h.cpu.copyStrided(shape, src.cpu(), strides, out.cpu());
            h.gpu.copyStrided(shape, src.gpu(), strides, out.gpu());
            h.assertExact(out, "permute (0,2,1,3)");
            // (11) expanded to (4, 11) and a full 2-D transpose
            var row = h.randn(11);
            var expanded = h.out(44);
            h.cpu.copyStrided(new int[] {4, 11}, row.cpu(), new long[] {0, 1}, expanded.cpu());
            h.gpu.copyStrided(new int[] {4, 11}, row.gpu(), new long[] {0, 1}, expanded.gpu());
            h.assertExact(expanded, "expand");
            var m = h.randn(33 * 17);
            var t = h.out(33 * 17);
            h.cpu.copyStrided(new int[] {17, 33}, m.cpu(), new long[] {1, 17}, t.cpu());
            h.gpu.copyStrided(new int[] {17, 33}, m.gpu(), new long[] {1, 17}, t.gpu());
            h.assertExact(t, "transpose");
        }
    }

    @Test
    void dropoutIsBitIdenticalToDropoutRng() {
        try (GpuHarness h = GpuHarness.open(16)) {
            for (long n : SIZES) {
                for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
                    var x = h.randn(n);
                    var y = h.out(n);
                    long seed = h.random.nextLong();
                    h.cpu.dropout(n, x.cpu(), p, seed, y.cpu());
                    h.gpu.dropout(n, x.gpu(), p, seed, y.gpu());
                    h.assertExact(y, "dropout p=" + p + " n=" + n);
                }
            }
            // and the kept fraction is what DropoutRng says it is
            var ones = h.of(filled(100_003, 1f));
            var y = h.out(100_003);
            h.gpu.dropout(100_003, ones.gpu(), 0.25f, 42L, y.gpu());
            float[] g = h.gpuValues(y);
            int kept = 0, expected = 0;
            for (int i = 0; i < g.length; i++) {
                if (g[i] != 0f) kept++;
                if (DropoutRng.uniform(42L, i) >= 0.25f) expected++;
            }
            assertEquals(expected, kept);
        }
    }

    static long[] contiguous(int[] shape) {
        long[] s = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = stride;
            stride *= shape[d];
        }
        return s;
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
