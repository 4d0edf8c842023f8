package dev.dat4j.autograd;

import dev.dat4j.autograd.nn.Parameter;
import dev.dat4j.vecops.Backends;
import dev.dat4j.vecops.CpuMemoryScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Early release of backward temporaries ({@link BackwardMemory}): with every allocation of the pass
 * tracked and released as soon as it is used up, gradients are bit-identical to a pass that keeps
 * everything, and the pass needs less memory.
 */
class BackwardMemoryTest {
    private static final long DEFAULT = BackwardMemory.trackFromElements;

    @AfterEach
    void restore() {
        BackwardMemory.trackFromElements = DEFAULT;
    }

    /** Gradients of every parameter, and of a leaf made in the step scope, after one backward. */
    private static List<float[]> gradients(long trackFrom) {
        BackwardMemory.trackFromElements = trackFrom;
        List<float[]> out = new ArrayList<>();
        try (Scope _ = Scope.open(Backends.cpu())) {
            Generator g = new Generator(3);
            TinyTransformerTest.Gpt gpt = new TinyTransformerTest.Gpt(11, 16, 2, 2, 8, g);
            Parameter scale = new Parameter(Tensor.full(0.5f, 16));
            int[] ids = new int[2 * 8], targets = new int[2 * 8];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = g.nextInt(11);
                targets[i] = g.nextInt(11);
            }
            try (Scope _ = Scope.open()) {
                Tensor stepLeaf = Tensor.randn(g, 2, 8, 16).requiresGrad_(true);
                Tensor h = gpt.forward(Tensor.ofInts(ids, 2, 8));
                // shared inputs (x·x, x + x), a broadcast leaf and a step-scope leaf feed the loss too
                Tensor extra = stepLeaf.mul(stepLeaf).add(stepLeaf.add(stepLeaf).mul(scale)).mean();
                Tensor loss = F.crossEntropy(h, Tensor.ofInts(targets, 2, 8)).add(extra);
                loss.backward();
                // fresh allocations after the pass must not overwrite any gradient
                for (int i = 0; i < 20; i++) Tensor.full(123f, 64, 64);
                for (Parameter p : gpt.parameters()) out.add(p.grad().toFloatArray());
                out.add(scale.grad().toFloatArray());
                out.add(stepLeaf.grad().toFloatArray());
            }
        }
        return out;
    }

    @Test
    void releasingEverythingEarlyGivesTheSameGradients() {
        List<float[]> kept = gradients(Long.MAX_VALUE / 4); // tiny model: nothing is large enough to be tracked
        List<float[]> released = gradients(1);               // everything tracked and released as soon as unused
        assertTrue(kept.size() > 20);
        for (int i = 0; i < kept.size(); i++) assertArrayEquals(kept.get(i), released.get(i), "gradient " + i);
    }

    @Test
    void theBackwardPassReusesReleasedMemory() {
        long[] grown = new long[2];
        long[] from = {Long.MAX_VALUE / 4, 1};
        for (int run = 0; run < 2; run++) {
            BackwardMemory.trackFromElements = from[run];
            try (Scope _ = Scope.open(Backends.cpu())) {
                Generator g = new Generator(1);
                // a chain of 12 large ops: without release every intermediate gradient stays until the scope closes
                Tensor w = Tensor.randn(g, 256, 256).requiresGrad_(true);
                try (Scope _ = Scope.open()) {
                    Tensor x = Tensor.randn(g, 256, 256);
                    for (int i = 0; i < 12; i++) x = x.matmul(w).tanh();
                    Tensor loss = x.sum();
                    long before = CpuMemoryScope.liveBytes();
                    loss.backward();
                    grown[run] = CpuMemoryScope.liveBytes() - before;
                }
            }
        }
        assertTrue(grown[1] * 3 < grown[0], "backward grew native memory by " + grown[0] + " bytes keeping everything, "
                + grown[1] + " releasing early");
    }
}
