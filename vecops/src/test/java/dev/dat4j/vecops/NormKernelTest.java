package dev.dat4j.vecops;

import org.junit.jupiter.api.Test;

import static dev.dat4j.vecops.KernelAssert.ROWS_COLS;
import static dev.dat4j.vecops.KernelAssert.SCALAR;
import static dev.dat4j.vecops.KernelAssert.VECTOR;

/** VectorBackend's LayerNorm and RMSNorm against ScalarBackend, with and without gamma/beta. */
class NormKernelTest {

    @Test
    void layerNormAndBackwardMatchReference() {
        for (int[] rc : ROWS_COLS) {
            int rows = rc[0], cols = rc[1];
            long n = (long) rows * cols;
            for (int affine = 0; affine < 4; affine++) {
                boolean withGamma = (affine & 1) != 0, withBeta = (affine & 2) != 0;
                String name = "layerNorm rows=" + rows + " cols=" + cols + " gamma=" + withGamma + " beta=" + withBeta;
                try (KernelAssert k = new KernelAssert(name)) {
                    CpuBuffer x = k.uniform(n, -2, 3);
                    CpuBuffer g = withGamma ? k.uniform(cols, 0.5, 1.5) : null, b = withBeta ? k.uniform(cols, -1, 1) : null;
                    CpuBuffer ys = k.zeros(n), yv = k.zeros(n), ms = k.zeros(rows), mv = k.zeros(rows), rs = k.zeros(rows), rv = k.zeros(rows);
                    SCALAR.layerNorm(rows, cols, x, g, b, 1e-5f, ys, ms, rs);
                    VECTOR.layerNorm(rows, cols, x, g, b, 1e-5f, yv, mv, rv);
                    k.assertClose("mean", ms, mv, 1e-5, 1e-6);
                    k.assertClose("rstd", rs, rv, 1e-5, 0);
                    k.assertClose("y", ys, yv, 1e-5, 1e-5);

                    // Backward from the reference's saved statistics, so only the backward kernel is compared.
                    CpuBuffer dy = k.uniform(n, -1, 1);
                    CpuBuffer dxs = k.zeros(n), dxv = k.zeros(n);
                    CpuBuffer dgs = withGamma ? k.zeros(cols) : null, dgv = withGamma ? k.uniform(cols, 7, 8) : null;
                    CpuBuffer dbs = withBeta ? k.zeros(cols) : null, dbv = withBeta ? k.uniform(cols, 7, 8) : null;
                    SCALAR.layerNormBackward(rows, cols, x, g, ms, rs, dy, dxs, dgs, dbs);
                    VECTOR.layerNormBackward(rows, cols, x, g, ms, rs, dy, dxv, dgv, dbv);
                    k.assertClose("dx", dxs, dxv, 1e-4, 2e-5);
                    // Sums over all rows in a different order: error ~√rows ulps of the sum's magnitude.
                    if (withGamma) k.assertClose("dgamma", dgs, dgv, 1e-4, 2e-6 * Math.sqrt(rows));
                    if (withBeta) k.assertClose("dbeta", dbs, dbv, 1e-4, 2e-6 * Math.sqrt(rows));
                }
            }
        }
    }

    @Test
    void rmsNormAndBackwardMatchReference() {
        for (int[] rc : ROWS_COLS) {
            int rows = rc[0], cols = rc[1];
            long n = (long) rows * cols;
            for (boolean withGamma : new boolean[] {false, true}) {
                try (KernelAssert k = new KernelAssert("rmsNorm rows=" + rows + " cols=" + cols + " gamma=" + withGamma)) {
                    CpuBuffer x = k.uniform(n, -2, 3), g = withGamma ? k.uniform(cols, 0.5, 1.5) : null;
                    CpuBuffer ys = k.zeros(n), yv = k.zeros(n), rs = k.zeros(rows), rv = k.zeros(rows);
                    SCALAR.rmsNorm(rows, cols, x, g, 1e-6f, ys, rs);
                    VECTOR.rmsNorm(rows, cols, x, g, 1e-6f, yv, rv);
                    k.assertClose("rstd", rs, rv, 1e-5, 0);
                    k.assertClose("y", ys, yv, 1e-5, 1e-6);

                    CpuBuffer dy = k.uniform(n, -1, 1), dxs = k.zeros(n), dxv = k.zeros(n);
                    CpuBuffer dgs = withGamma ? k.zeros(cols) : null, dgv = withGamma ? k.uniform(cols, 7, 8) : null;
                    SCALAR.rmsNormBackward(rows, cols, x, g, rs, dy, dxs, dgs);
                    VECTOR.rmsNormBackward(rows, cols, x, g, rs, dy, dxv, dgv);
                    k.assertClose("dx", dxs, dxv, 1e-4, 2e-5);
                    if (withGamma) k.assertClose("dgamma", dgs, dgv, 1e-4, 2e-6 * Math.sqrt(rows));
                }
            }
        }
    }

    @Test
    void parameterGradientsAreReproducibleForAnyThreadCount() {
        int rows = 300, cols = 1031;
        try (KernelAssert k = new KernelAssert("layerNormBackward determinism")) {
            CpuBuffer x = k.uniform((long) rows * cols, -2, 2), g = k.uniform(cols, 0.5, 1.5), dy = k.uniform((long) rows * cols, -1, 1);
            CpuBuffer y = k.zeros((long) rows * cols), mean = k.zeros(rows), rstd = k.zeros(rows), dx = k.zeros((long) rows * cols);
            VECTOR.layerNorm(rows, cols, x, g, null, 1e-5f, y, mean, rstd);
            CpuBuffer first = k.zeros(cols), again = k.zeros(cols);
            VECTOR.layerNormBackward(rows, cols, x, g, mean, rstd, dy, dx, first, null);
            int defaultThreads = WorkerPool.global().threads();
            try {
                for (int threads : new int[] {1, 3, defaultThreads}) {
                    WorkerPool.setGlobalThreads(threads);
                    for (int rep = 0; rep < 5; rep++) {
                        VECTOR.layerNormBackward(rows, cols, x, g, mean, rstd, dy, dx, again, null);
                        k.assertSame("dgamma with " + threads + " threads, repetition " + rep, first, again);
                    }
                }
            } finally {
                WorkerPool.setGlobalThreads(defaultThreads);
            }
        }
    }
}
