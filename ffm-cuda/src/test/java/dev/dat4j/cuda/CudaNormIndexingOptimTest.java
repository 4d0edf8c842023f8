package dev.dat4j.cuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** norm.cu, indexing.cu, rope.cu and optim.cu against ScalarBackend. */
@Tag("gpu")
class CudaNormIndexingOptimTest {
    private static final int[][] ROWS_COLS = {{1, 1}, {3, 7}, {17, 255}, {5, 257}, {33, 1000}, {300, 65}};

    @Test
    void layerNormWithAndWithoutAffine() {
        try (GpuHarness h = GpuHarness.open(30)) {
            for (int[] rc : ROWS_COLS) {
                int rows = rc[0], cols = rc[1];
                for (boolean affine : new boolean[] {true, false}) {
                    var x = h.uniform((long) rows * cols, -2f, 3f);
                    var gamma = affine ? h.randn(cols) : null;
                    var beta = affine ? h.randn(cols) : null;
                    var y = h.out((long) rows * cols);
                    var mean = h.out(rows);
                    var rstd = h.out(rows);
                    h.cpu.layerNorm(rows, cols, x.cpu(), affine ? gamma.cpu() : null, affine ? beta.cpu() : null, 1e-5f,
                            y.cpu(), mean.cpu(), rstd.cpu());
                    h.gpu.layerNorm(rows, cols, x.gpu(), affine ? gamma.gpu() : null, affine ? beta.gpu() : null, 1e-5f,
                            y.gpu(), mean.gpu(), rstd.gpu());
                    String what = "layerNorm " + rows + "x" + cols + " affine=" + affine;
                    h.assertClose(mean, 1e-5, 1e-6, what + " mean");
                    h.assertClose(rstd, 1e-4, 1e-6, what + " rstd");
                    h.assertClose(y, 1e-4, 1e-5, what + " y");
                    var dy = h.randn((long) rows * cols);
                    var dx = h.out((long) rows * cols);
                    var dgamma = h.out(cols);
                    var dbeta = h.out(cols);
                    h.cpu.layerNormBackward(rows, cols, x.cpu(), affine ? gamma.cpu() : null, mean.cpu(), rstd.cpu(),
                            dy.cpu(), dx.cpu(), affine ? dgamma.cpu() : null, affine ? dbeta.cpu() : null);
                    h.gpu.layerNormBackward(rows, cols, x.gpu(), affine ? gamma.gpu() : null, mean.gpu(), rstd.gpu(),
                            dy.gpu(), dx.gpu(), affine ? dgamma.gpu() : null, affine ? dbeta.gpu() : null);
                    h.assertClose(dx, 1e-4, 1e-4, what + " dx");
                    h.assertClose(dgamma, 1e-4, 1e-4, what + " dgamma");
                    h.assertClose(dbeta, 1e-4, 1e-4, what + " dbeta");
                }
            }
        }
    }

    @Test
    void rmsNormForwardBackward() {
        try (GpuHarness h = GpuHarness.open(31)) {
            for (int[] rc : ROWS_COLS) {
                int rows = rc[0], cols = rc[1];
                for (boolean withGamma : new boolean[] {true, false}) {
                    var x = h.randn((long) rows * cols);
                    var gamma = withGamma ? h.randn(cols) : null;
                    var y = h.out((long) rows * cols);
                    var rstd = h.out(rows);
                    h.cpu.rmsNorm(rows, cols, x.cpu(), withGamma ? gamma.cpu() : null, 1e-6f, y.cpu(), rstd.cpu());
                    h.gpu.rmsNorm(rows, cols, x.gpu(), withGamma ? gamma.gpu() : null, 1e-6f, y.gpu(), rstd.gpu());
                    String what = "rmsNorm " + rows + "x" + cols + " gamma=" + withGamma;
                    h.assertClose(rstd, 1e-5, 1e-6, what + " rstd");
                    h.assertClose(y, 1e-5, 1e-5, what + " y");
                    var dy = h.randn((long) rows * cols);
                    var dx = h.out((long) rows * cols);
                    var dgamma = h.out(cols);
                    h.cpu.rmsNormBackward(rows, cols, x.cpu(), withGamma ? gamma.cpu() : null, rstd.cpu(), dy.cpu(), dx.cpu(),
                            withGamma ? dgamma.cpu() : null);
                    h.gpu.rmsNormBackward(rows, cols, x.gpu(), withGamma ? gamma.gpu() : null, rstd.gpu(), dy.gpu(), dx.gpu(),
                            withGamma ? dgamma.gpu() : null);
                    h.assertClose(dx, 1e-4, 1e-4, what + " dx");
                    h.assertClose(dgamma, 1e-4, 1e-4, what + " dgamma");
                }
            }
        }
    }

    @Test
    void embeddingAndBackwardWithRepeatedIds() {
        try (GpuHarness h = GpuHarness.open(32)) {
            int n = 301, dim = 37, vocab = 53;
            var table = h.randn((long) vocab * dim);
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = h.random.nextInt(vocab);
            var idsPair = h.ints(ids);
            var out = h.out((long) n * dim);
            h.cpu.embedding(n, dim, vocab, table.cpu(), idsPair.cpu(), out.cpu());
            h.gpu.embedding(n, dim, vocab, table.gpu(), idsPair.gpu(), out.gpu());
            h.assertExact(out, "embedding");
            var dout = h.randn((long) n * dim);
            var dtable = h.out((long) vocab * dim);
            h.cpu.embeddingBackward(n, dim, vocab, idsPair.cpu(), dout.cpu(), dtable.cpu());
            h.gpu.embeddingBackward(n, dim, vocab, idsPair.gpu(), dout.gpu(), dtable.gpu());
            h.assertClose(dtable, 1e-5, 1e-5, "embeddingBackward (atomic adds, order may differ)");

            var bad = h.ints(new int[] {0, 5, 53});
            var e = assertThrows(IllegalArgumentException.class,
                    () -> h.gpu.embedding(3, dim, vocab, table.gpu(), bad.gpu(), out.gpu()));
            assertEquals("token id 53 at position 2 is outside [0, 53)", e.getMessage());
        }
    }

    @Test
    void gatherAndBackward() {
        try (GpuHarness h = GpuHarness.open(33)) {
            int outer = 19, n = 41, k = 23;
            var x = h.randn((long) outer * n);
            int[] idx = new int[outer * k];
            for (int i = 0; i < idx.length; i++) idx[i] = h.random.nextInt(n);
            var ip = h.ints(idx);
            var y = h.out((long) outer * k);
            h.cpu.gather(outer, n, k, x.cpu(), ip.cpu(), y.cpu());
            h.gpu.gather(outer, n, k, x.gpu(), ip.gpu(), y.gpu());
            h.assertExact(y, "gather");
            var dy = h.randn((long) outer * k);
            var dx = h.out((long) outer * n);
            h.cpu.gatherBackward(outer, n, k, ip.cpu(), dy.cpu(), dx.cpu());
            h.gpu.gatherBackward(outer, n, k, ip.gpu(), dy.gpu(), dx.gpu());
            h.assertClose(dx, 1e-5, 1e-5, "gatherBackward");
            var bad = h.ints(new int[] {-1});
            var e = assertThrows(IllegalArgumentException.class, () -> h.gpu.gather(1, n, 1, x.gpu(), bad.gpu(), y.gpu()));
            assertEquals("gather index -1 at position 0 is outside [0, 41)", e.getMessage());
        }
    }

    @Test
    void ropeForwardAndInverse() {
        try (GpuHarness h = GpuHarness.open(34)) {
            int batch = 3, seq = 17, heads = 5, dim = 14, half = dim / 2;
            var x = h.randn((long) batch * seq * heads * dim);
            var cos = h.uniform((long) (seq + 3) * half, -1f, 1f);
            var sin = h.uniform((long) (seq + 3) * half, -1f, 1f);
            for (boolean inverse : new boolean[] {false, true}) {
                var y = h.out((long) batch * seq * heads * dim);
                h.cpu.rope(batch, seq, heads, dim, x.cpu(), cos.cpu(), sin.cpu(), inverse, y.cpu());
                h.gpu.rope(batch, seq, heads, dim, x.gpu(), cos.gpu(), sin.gpu(), inverse, y.gpu());
                h.assertExact(y, "rope inverse=" + inverse);
            }
        }
    }

    @Test
    void adamAndAdamWAreBitIdentical() {
        try (GpuHarness h = GpuHarness.open(35)) {
            long n = 10_007;
            for (boolean decoupled : new boolean[] {false, true}) {
                var param = h.randn(n);
                var m = h.of(new float[(int) n]);
                var v = h.of(new float[(int) n]);
                for (int step = 1; step <= 3; step++) {
                    var grad = h.randn(n);
                    h.cpu.adamStep(n, param.cpu(), grad.cpu(), m.cpu(), v.cpu(), 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
                    h.gpu.adamStep(n, param.gpu(), grad.gpu(), m.gpu(), v.gpu(), 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, step);
                }
                h.assertExact(param, "adam param decoupled=" + decoupled);
                h.assertExact(m, "adam m");
                h.assertExact(v, "adam v");
            }
        }
    }

    @Test
    void sgdWithAndWithoutMomentumIsBitIdentical() {
        try (GpuHarness h = GpuHarness.open(36)) {
            long n = 5_003;
            for (float momentum : new float[] {0f, 0.9f}) {
                var param = h.randn(n);
                var buf = momentum == 0f ? null : h.of(new float[(int) n]);
                for (int step = 0; step < 3; step++) {
                    var grad = h.randn(n);
                    h.cpu.sgdStep(n, param.cpu(), grad.cpu(), buf == null ? null : buf.cpu(), 0.05f, momentum, 1e-4f, step == 0);
                    h.gpu.sgdStep(n, param.gpu(), grad.gpu(), buf == null ? null : buf.gpu(), 0.05f, momentum, 1e-4f, step == 0);
                }
                h.assertExact(param, "sgd param momentum=" + momentum);
                if (buf != null) h.assertExact(buf, "sgd momentum buffer");
            }
        }
    }
}
