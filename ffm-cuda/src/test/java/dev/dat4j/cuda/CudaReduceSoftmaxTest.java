package dev.dat4j.cuda;

import dev.dat4j.vecops.ReduceOp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reduce.cu and softmax.cu against ScalarBackend. Row lengths below, at and above the 256-thread block. */
@Tag("gpu")
class CudaReduceSoftmaxTest {
    private static final int[][] ROWS_COLS = {{1, 1}, {3, 7}, {17, 255}, {5, 257}, {9, 1000}, {2, 5003}};

    @Test
    void reduceAllOpsAllLayouts() {
        try (GpuHarness h = GpuHarness.open(20)) {
            int[][] shapes = {{1, 1, 1}, {3, 7, 1}, {4, 1000, 1}, {1, 5, 33}, {3, 300, 7}, {2, 9, 100}};
            for (int[] s : shapes) {
                int outer = s[0], n = s[1], inner = s[2];
                var x = h.randn((long) outer * n * inner);
                for (ReduceOp op : ReduceOp.values()) {
                    var y = h.out((long) outer * inner);
                    h.cpu.reduce(op, outer, n, inner, x.cpu(), y.cpu());
                    h.gpu.reduce(op, outer, n, inner, x.gpu(), y.gpu());
                    h.assertClose(y, 1e-5, 1e-5, op + " over (" + outer + "," + n + "," + inner + ")");
                }
            }
        }
    }

    @Test
    void argmaxTakesTheFirstMaximum() {
        try (GpuHarness h = GpuHarness.open(21)) {
            int[][] shapes = {{1, 1, 1}, {5, 7, 1}, {3, 1000, 1}, {2, 9, 33}, {4, 300, 5}};
            for (int[] s : shapes) {
                int outer = s[0], n = s[1], inner = s[2];
                float[] v = new float[outer * n * inner];
                for (int i = 0; i < v.length; i++) v[i] = h.random.nextInt(5); // many ties
                var x = h.of(v);
                var idx = h.ints(new int[outer * inner]);
                h.cpu.argmax(outer, n, inner, x.cpu(), idx.cpu());
                h.gpu.argmax(outer, n, inner, x.gpu(), idx.gpu());
                assertArrayEquals(h.cpuInts(idx), h.gpuInts(idx), "argmax (" + outer + "," + n + "," + inner + ")");
            }
        }
    }

    @Test
    void argmaxFollowsJavaOnNaN() {
        try (GpuHarness h = GpuHarness.open(22)) {
            float nan = Float.NaN;
            float[] v = {nan, 5, 1, /* row 2 */ 1, nan, 3, /* row 3 */ 2, 2, nan};
            var x = h.of(v);
            var idx = h.ints(new int[3]);
            h.cpu.argmax(3, 3, 1, x.cpu(), idx.cpu());
            h.gpu.argmax(3, 3, 1, x.gpu(), idx.gpu());
            assertArrayEquals(h.cpuInts(idx), h.gpuInts(idx));
        }
    }

    @Test
    void sumOfSquaresInDouble() {
        try (GpuHarness h = GpuHarness.open(23)) {
            for (long n : new long[] {1, 255, 100_003, 3_000_001}) {
                var x = h.randn(n);
                double c = h.cpu.sumOfSquares(n, x.cpu()), g = h.gpu.sumOfSquares(n, x.gpu());
                assertEquals(c, g, 1e-10 * c, "sumOfSquares n=" + n);
            }
        }
    }

    @Test
    void softmaxPlainAndCausal() {
        try (GpuHarness h = GpuHarness.open(24)) {
            for (int[] rc : ROWS_COLS) {
                int rows = rc[0], cols = rc[1];
                var x = h.randn((long) rows * cols);
                for (int causal : new int[] {0, rows, Math.max(1, cols / 2)}) {
                    if (causal > cols) continue; // query block longer than the key axis: not a valid mask
                    int blockRows = causal == 0 ? rows : causal;
                    int r = causal == 0 ? rows : (rows / blockRows) * blockRows;
                    if (r == 0) continue;
                    var y = h.out((long) rows * cols);
                    h.cpu.softmax(r, cols, x.cpu(), 0.7f, causal, y.cpu());
                    h.gpu.softmax(r, cols, x.gpu(), 0.7f, causal, y.gpu());
                    h.assertClose(y, 2e-6, 1e-7, "softmax " + rows + "x" + cols + " causal=" + causal);
                    var dy = h.randn((long) rows * cols);
                    var dx = h.out((long) rows * cols);
                    h.cpu.softmaxBackward(r, cols, y.cpu(), dy.cpu(), 0.7f, dx.cpu());
                    h.gpu.softmaxBackward(r, cols, y.gpu(), dy.gpu(), 0.7f, dx.gpu());
                    h.assertClose(dx, 1e-5, 1e-6, "softmaxBackward " + rows + "x" + cols + " causal=" + causal);
                }
            }
        }
    }

    @Test
    void logSoftmaxForwardBackward() {
        try (GpuHarness h = GpuHarness.open(25)) {
            for (int[] rc : ROWS_COLS) {
                int rows = rc[0], cols = rc[1];
                var x = h.randn((long) rows * cols);
                var y = h.out((long) rows * cols);
                h.cpu.logSoftmax(rows, cols, x.cpu(), y.cpu());
                h.gpu.logSoftmax(rows, cols, x.gpu(), y.gpu());
                h.assertClose(y, 1e-6, 1e-5, "logSoftmax " + rows + "x" + cols);
                var dy = h.randn((long) rows * cols);
                var dx = h.out((long) rows * cols);
                h.cpu.logSoftmaxBackward(rows, cols, y.cpu(), dy.cpu(), dx.cpu());
                h.gpu.logSoftmaxBackward(rows, cols, y.gpu(), dy.gpu(), dx.gpu());
                h.assertClose(dx, 1e-5, 1e-5, "logSoftmaxBackward " + rows + "x" + cols);
            }
        }
    }

    @Test
    void crossEntropyWithIgnoredRows() {
        try (GpuHarness h = GpuHarness.open(26)) {
            for (int[] rc : ROWS_COLS) {
                int rows = rc[0], vocab = rc[1];
                var logits = h.randn((long) rows * vocab);
                int[] t = new int[rows];
                for (int i = 0; i < rows; i++) t[i] = i % 3 == 2 ? -100 : h.random.nextInt(vocab);
                var targets = h.ints(t);
                var losses = h.out(rows);
                h.cpu.crossEntropy(rows, vocab, logits.cpu(), targets.cpu(), -100, losses.cpu());
                h.gpu.crossEntropy(rows, vocab, logits.gpu(), targets.gpu(), -100, losses.gpu());
                h.assertClose(losses, 1e-5, 1e-5, "crossEntropy " + rows + "x" + vocab);
                var dl = h.randn(rows);
                var dlogits = h.out((long) rows * vocab);
                h.cpu.crossEntropyBackward(rows, vocab, logits.cpu(), targets.cpu(), -100, losses.cpu(), dl.cpu(), dlogits.cpu());
                h.gpu.crossEntropyBackward(rows, vocab, logits.gpu(), targets.gpu(), -100, losses.gpu(), dl.gpu(), dlogits.gpu());
                h.assertClose(dlogits, 1e-5, 1e-6, "crossEntropyBackward " + rows + "x" + vocab);
            }
        }
    }

    @Test
    void crossEntropyRejectsBadTargetsLikeTheCpu() {
        try (GpuHarness h = GpuHarness.open(27)) {
            var logits = h.randn(4 * 10);
            var targets = h.ints(new int[] {1, 2, 10, -1});
            var losses = h.out(4);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> h.gpu.crossEntropy(4, 10, logits.gpu(), targets.gpu(), -100, losses.gpu()));
            assertEquals("target 10 at position 2 is outside [0, 10)", e.getMessage());
            var cpuError = assertThrows(IllegalArgumentException.class,
                    () -> h.cpu.crossEntropy(4, 10, logits.cpu(), targets.cpu(), -100, losses.cpu()));
            assertEquals(cpuError.getMessage(), e.getMessage());
            // the device is still usable afterwards
            var ok = h.ints(new int[] {1, 2, 3, 4});
            h.gpu.crossEntropy(4, 10, logits.gpu(), ok.gpu(), -100, losses.gpu());
            assertTrue(Float.isFinite(h.gpuValues(losses)[3]));
        }
    }
}
