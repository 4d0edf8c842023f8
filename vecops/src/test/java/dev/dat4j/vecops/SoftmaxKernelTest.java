package dev.dat4j.vecops;

import org.junit.jupiter.api.Test;

import static dev.dat4j.vecops.KernelAssert.ROWS_COLS;
import static dev.dat4j.vecops.KernelAssert.SCALAR;
import static dev.dat4j.vecops.KernelAssert.VECTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** VectorBackend's softmax, log-softmax and cross-entropy against ScalarBackend. */
class SoftmaxKernelTest {
    private static final double RTOL = 2e-6, ATOL = 1e-7;

    @Test
    void softmaxAndBackwardMatchReference() {
        for (int[] rc : ROWS_COLS) {
            int rows = rc[0], cols = rc[1];
            for (float scale : new float[] {1f, 0.125f, -2f}) {
                check(rows, cols, scale, 0);
            }
        }
    }

    @Test
    void causalSoftmaxMasksExactlyLikeTheReference() {
        // Square blocks (self-attention), blocks with more keys than queries (a cache prefix),
        // and rows spanning several blocks.
        int[][] cases = {{5, 5, 5}, {12, 7, 4}, {64, 33, 33}, {6, 131, 3}, {34, 17, 17}, {2 * 129, 129, 129}, {600, 300, 300}};
        for (int[] c : cases) check(c[0], c[1], 0.5f, c[2]);
    }

    private static void check(int rows, int cols, float scale, int causal) {
        long n = (long) rows * cols;
        try (KernelAssert k = new KernelAssert("softmax rows=" + rows + " cols=" + cols + " scale=" + scale + " causal=" + causal)) {
            CpuBuffer x = k.uniform(n, -6, 6), ys = k.zeros(n), yv = k.uniform(n, 5, 6);
            SCALAR.softmax(rows, cols, x, scale, causal, ys);
            VECTOR.softmax(rows, cols, x, scale, causal, yv);
            k.assertClose("y", ys, yv, RTOL, ATOL);
            if (causal > 0) k.assertSame("y (masked zeros)", zeroPattern(k, ys), zeroPattern(k, yv));

            CpuBuffer dy = k.uniform(n, -1, 1), dxs = k.zeros(n), dxv = k.zeros(n);
            SCALAR.softmaxBackward(rows, cols, ys, dy, scale, dxs);
            VECTOR.softmaxBackward(rows, cols, ys, dy, scale, dxv);
            k.assertClose("dx", dxs, dxv, 1e-5, 1e-6);
        }
    }

    /** 1 where the buffer holds exactly 0, else 0. */
    private static CpuBuffer zeroPattern(KernelAssert k, CpuBuffer b) {
        float[] v = KernelAssert.read(b);
        for (int i = 0; i < v.length; i++) v[i] = v[i] == 0f ? 1f : 0f;
        return k.of(v);
    }

    @Test
    void logSoftmaxAndBackwardMatchReference() {
        for (int[] rc : ROWS_COLS) {
            int rows = rc[0], cols = rc[1];
            long n = (long) rows * cols;
            try (KernelAssert k = new KernelAssert("logSoftmax rows=" + rows + " cols=" + cols)) {
                CpuBuffer x = k.uniform(n, -8, 8), ys = k.zeros(n), yv = k.zeros(n);
                SCALAR.logSoftmax(rows, cols, x, ys);
                VECTOR.logSoftmax(rows, cols, x, yv);
                k.assertClose("y", ys, yv, RTOL, 2e-6);

                CpuBuffer dy = k.uniform(n, -1, 1), dxs = k.zeros(n), dxv = k.zeros(n);
                SCALAR.logSoftmaxBackward(rows, cols, ys, dy, dxs);
                VECTOR.logSoftmaxBackward(rows, cols, ys, dy, dxv);
                // Σ dy over a row is summed in a different order: ~√cols ulps of the row sum.
                k.assertClose("dx", dxs, dxv, 1e-5, 1e-6 * Math.sqrt(cols));
            }
        }
    }

    @Test
    void crossEntropyWithIgnoredTargetsMatchesReference() {
        int ignore = -100;
        for (int[] rc : new int[][] {{1, 1}, {5, 7}, {3, 129}, {64, 1000}, {7, 1031}, {40, 50_257}}) {
            int rows = rc[0], vocab = rc[1];
            try (KernelAssert k = new KernelAssert("crossEntropy rows=" + rows + " vocab=" + vocab)) {
                int[] t = new int[rows];
                for (int r = 0; r < rows; r++) t[r] = r % 3 == 1 ? ignore : k.random().nextInt(vocab);
                CpuBuffer logits = k.uniform((long) rows * vocab, -10, 10), targets = k.ints(t);
                CpuBuffer ls = k.zeros(rows), lv = k.uniform(rows, 1, 2);
                SCALAR.crossEntropy(rows, vocab, logits, targets, ignore, ls);
                VECTOR.crossEntropy(rows, vocab, logits, targets, ignore, lv);
                // Both sum vocab exponentials in float, in different orders (the reference
                // sequentially): their logs differ by ~√vocab ulps. Each is also checked against double.
                k.assertClose("losses", ls, lv, 2e-6, 3e-7 * Math.sqrt(vocab));
                assertNearDoubleLoss(rows, vocab, logits, t, ignore, lv);

                CpuBuffer dl = k.uniform(rows, 0.1, 2);
                CpuBuffer gs = k.zeros((long) rows * vocab), gv = k.uniform((long) rows * vocab, 1, 2);
                SCALAR.crossEntropyBackward(rows, vocab, logits, targets, ignore, ls, dl, gs);
                VECTOR.crossEntropyBackward(rows, vocab, logits, targets, ignore, lv, dl, gv);
                // Probabilities carry the relative error of the row sum (see losses).
                k.assertClose("dlogits", gs, gv, 5e-6 + 2e-7 * Math.sqrt(vocab), 1e-9);
            }
        }
    }

    /** The vector losses within 2e-6 relative of a double-precision log-sum-exp. */
    private static void assertNearDoubleLoss(int rows, int vocab, CpuBuffer logits, int[] targets, int ignore, CpuBuffer losses) {
        for (int r = 0; r < rows; r++) {
            double exact = 0;
            if (targets[r] != ignore) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < vocab; j++) max = Math.max(max, logits.get((long) r * vocab + j));
                for (int j = 0; j < vocab; j++) sum += Math.exp(logits.get((long) r * vocab + j) - max);
                exact = max + Math.log(sum) - logits.get((long) r * vocab + targets[r]);
            }
            assertEquals(exact, losses.get(r), 2e-6 * (1 + Math.abs(exact)), "crossEntropy vocab=" + vocab + " loss of row " + r + " vs double");
        }
    }

    @Test
    void crossEntropyRejectsATargetOutsideTheVocabulary() {
        try (KernelAssert k = new KernelAssert("crossEntropy bad target")) {
            CpuBuffer logits = k.uniform(3 * 5, -1, 1), targets = k.ints(1, 5, 2), out = k.zeros(15);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> VECTOR.crossEntropy(3, 5, logits, targets, -1, out));
            assertEquals("target 5 at position 1 is outside [0, 5)", e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> VECTOR.crossEntropyBackward(3, 5, logits, targets, -1, k.zeros(3), k.zeros(3), out));
        }
    }
}
