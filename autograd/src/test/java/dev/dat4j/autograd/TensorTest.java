package dev.dat4j.autograd;

import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Forward values, views, errors and autograd mechanics of Tensor. */
class TensorTest {
    private Scope scope;

    @BeforeEach
    void open() {
        scope = Scope.open(Backends.cpu());
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static float[] seq(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return v;
    }

    @Test
    void creation() {
        assertArrayEquals(new float[] {0, 0, 0}, Tensor.zeros(3).toFloatArray());
        assertArrayEquals(new float[] {2.5f, 2.5f}, Tensor.full(2.5f, 2).toFloatArray());
        assertArrayEquals(new float[] {0, 1, 2, 3}, Tensor.arange(4).toFloatArray());
        assertArrayEquals(new int[] {3, -100, 7}, Tensor.ofInts(new int[] {3, -100, 7}).toIntArray());
        assertEquals(4f, Tensor.scalar(4f).item());
        int[] r = Tensor.randint(new Generator(1), 2, 5, 100).toIntArray();
        for (int v : r) assertTrue(v >= 2 && v < 5);
        assertArrayEquals(Tensor.randn(new Generator(9), 5).toFloatArray(), Tensor.randn(new Generator(9), 5).toFloatArray());
    }

    @Test
    void viewsShareStorageAndReadCorrectly() {
        Tensor x = Tensor.of(seq(24), 2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, p.shape());
        assertFalse(p.isContiguous());
        float[] pv = p.contiguous().toFloatArray();
        assertEquals(x.toFloatArray()[1 * 12 + 2 * 4 + 3], pv[3 * 6 + 1 * 3 + 2]);   // p[3,1,2] == x[1,2,3]
        assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 10, 11}, x.select(0, 0).narrow(0, 1, 2).toFloatArray());
        assertArrayEquals(new float[] {1, 5, 9}, x.select(0, 0).select(1, 1).toFloatArray());
        Tensor e = Tensor.of(new float[] {1, 2}, 2, 1).expand(2, 3);
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2}, e.toFloatArray());
        // reshape of a transposed view must copy, and keep the values in row-major order of the view
        Tensor t = Tensor.of(seq(6), 2, 3).t().reshape(6);
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
        // a contiguous reshape is a view over the same storage
        Tensor v = x.reshape(6, 4);
        x.fill_(1f);
        assertEquals(24f, v.sum().item());
    }

    @Test
    void catSplitStack() {
        Tensor a = Tensor.of(seq(6), 2, 3), b = Tensor.of(new float[] {10, 11}, 2, 1);
        Tensor c = Tensor.cat(List.of(a, b), 1);
        assertArrayEquals(new float[] {0, 1, 2, 10, 3, 4, 5, 11}, c.toFloatArray());
        assertTrue(c.isContiguous(), "a cat along the last dim is row-major on a CPU backend (StridedCopy)");
        assertArrayEquals(new int[] {4, -100, 5, 6}, Tensor.cat(List.of(Tensor.ofInts(new int[] {4, 5}, 2, 1),
                Tensor.ofInts(new int[] {-100, 6}, 2, 1)), 1).toIntArray());
        List<Tensor> parts = c.split(new int[] {1, 3}, 1);
        assertArrayEquals(new float[] {1, 2, 10, 4, 5, 11}, parts.get(1).toFloatArray());
        Tensor s = Tensor.stack(List.of(a, a), 0);
        assertArrayEquals(new int[] {2, 2, 3}, s.shape());
        assertArrayEquals(new int[] {4, -100, 5, 6}, Tensor.cat(List.of(Tensor.ofInts(new int[] {4, -100}, 1, 2),
                Tensor.ofInts(new int[] {5, 6}, 1, 2)), 0).toIntArray());
        // int32 bit patterns (e.g. the ignore index) survive strided copies
        assertArrayEquals(new int[] {4, 5, -100, 6}, Tensor.ofInts(new int[] {4, -100, 5, 6}, 2, 2).t().contiguous().toIntArray());
    }

    @Test
    void broadcastingBinary() {
        Tensor a = Tensor.of(seq(6), 2, 3), b = Tensor.of(new float[] {10, 20, 30}, 3);
        assertArrayEquals(new float[] {10, 21, 32, 13, 24, 35}, a.add(b).toFloatArray());
        assertArrayEquals(new float[] {0, 2, 4, 6, 8, 10}, a.mul(Tensor.scalar(2f)).toFloatArray());
        assertArrayEquals(new float[] {-10, -19, -28, -7, -16, -25}, a.sub(b).toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(Tensor.zeros(2)));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2]"), e.getMessage());
    }

    @Test
    void matmulMatchesNaive() {
        Generator g = new Generator(3);
        Tensor a = Tensor.randn(g, 2, 3, 5, 4), b = Tensor.randn(g, 3, 4, 6);
        float[] av = a.toFloatArray(), bv = b.toFloatArray(), cv = a.matmul(b).toFloatArray();
        for (int p = 0; p < 2; p++) {
            for (int h = 0; h < 3; h++) {
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 6; j++) {
                        double acc = 0;
                        for (int k = 0; k < 4; k++) acc += av[((p * 3 + h) * 5 + i) * 4 + k] * bv[(h * 4 + k) * 6 + j];
                        assertEquals(acc, cv[((p * 3 + h) * 5 + i) * 6 + j], 1e-4);
                    }
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(Tensor.zeros(5, 2)));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3, 5, 4]") && e.getMessage().contains("[5, 2]"));
    }

    @Test
    void reductionsSoftmaxArgmax() {
        Tensor x = Tensor.of(new float[] {1, 5, 3, 2, 0, 4}, 2, 3);
        assertArrayEquals(new float[] {9, 6}, x.sum(1, false).toFloatArray());
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, x.mean(0, false).toFloatArray());
        assertArrayEquals(new float[] {5, 4}, x.max(1, false).toFloatArray());
        assertArrayEquals(new float[] {2, 5, 4}, x.max(0, false).toFloatArray(), 0);
        assertArrayEquals(new int[] {1, 2}, x.argmax(1, false).toIntArray());
        assertArrayEquals(new float[] {4, 4}, x.var(1, true, false).toFloatArray(), 1e-6f);
        float[] s = x.softmax(-1).toFloatArray();
        assertEquals(1.0, s[0] + s[1] + s[2], 1e-6);
        float[] c = Tensor.zeros(3, 3).softmax(1f, true).toFloatArray();
        assertArrayEquals(new float[] {1, 0, 0, 0.5f, 0.5f, 0, 1 / 3f, 1 / 3f, 1 / 3f}, c, 1e-6f);
    }

    @Test
    void crossEntropyIgnoresIndexAndAverages() {
        Tensor logits = Tensor.of(new float[] {0, 0, 0, 0, 0, 0}, 3, 2);
        Tensor t = Tensor.ofInts(new int[] {0, -100, 1}, 3);
        assertEquals(Math.log(2), F.crossEntropy(logits, t).item(), 1e-6);
        assertTrue(Float.isNaN(F.crossEntropy(logits, Tensor.ofInts(new int[] {-100, -100, -100}, 3)).item()));
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad_(true);
        w.mul(w).sum().backward();
        assertArrayEquals(new float[] {2, 4, 6}, w.grad().toFloatArray());
        w.sum().backward();
        assertArrayEquals(new float[] {3, 5, 7}, w.grad().toFloatArray());
    }

    @Test
    void deepGraphDoesNotOverflowTheStack() {
        Tensor x = Tensor.of(new float[] {1}, 1).requiresGrad_(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y.add(1f);
        y.sum().backward();
        assertEquals(1f, x.grad().item());
    }

    @Test
    void noGradRecordsNothingAndDetachCuts() {
        Tensor x = Tensor.ones(2).requiresGrad_(true);
        try (var _ = GradMode.noGrad()) {
            Tensor y = x.mul(3f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
        }
        assertTrue(GradMode.isEnabled());
        Tensor y = x.mul(3f);
        assertEquals("mul", y.gradFn().op());
        assertFalse(y.detach().requiresGrad());
        assertThrows(IllegalStateException.class, () -> x.detach().sum().backward());
    }

    @Test
    void scopesReleaseAndGuardUseAfterClose() {
        Tensor kept = Tensor.ones(4);
        Tensor inner;
        try (Scope _ = Scope.open()) {
            inner = Tensor.ones(4).add(kept);
            assertEquals(8f, inner.sum().item());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, inner::toFloatArray);
        assertTrue(e.getMessage().contains("scope was closed"));
        assertEquals(4f, kept.sum().item());
    }

    @Test
    void leafGradSurvivesTheStepScope() {
        Tensor w = Tensor.ones(3).requiresGrad_(true);   // created in the outer (model) scope
        try (Scope _ = Scope.open()) {
            w.mul(Tensor.of(new float[] {1, 2, 3}, 3)).sum().backward();
        }
        assertArrayEquals(new float[] {1, 2, 3}, w.grad().toFloatArray());
    }

    @Test
    void noScopeIsAClearError() {
        Thread t = new Thread(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2));
            assertTrue(e.getMessage().contains("Scope.open"));
        });
        t.start();
        assertDoesNotThrow(() -> t.join());
    }
}
