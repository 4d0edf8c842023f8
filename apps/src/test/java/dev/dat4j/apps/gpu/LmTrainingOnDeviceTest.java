package dev.dat4j.apps.gpu;

import dev.dat4j.vecops.AcceleratorBackend;
import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.BackendUnavailableException;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Five AdamW steps of a small DAT LM (symbolic attention, SwiGLU, RoPE) from the same weights on a
 * device backend and on the CPU: the losses must agree. The GPU test is skipped, with the reason,
 * where no CUDA GPU is usable; the opaque-buffer test runs everywhere and catches host-memory access
 * in the training path (which would break on the GPU) without one.
 */
class LmTrainingOnDeviceTest {
    private static final int STEPS = 5;

    @Test
    void trainingNeverTouchesHostMemoryOfBuffers() {
        var reference = LmTrainingRun.train(Backends.cpu(), STEPS);
        var opaque = LmTrainingRun.train(OpaqueBuffers.wrap(Backends.cpu()), STEPS);
        // The CPU backend runs attention as fused kernels; the opaque wrapper, like a device, gets
        // GEMM, softmax, GEMM: the same losses up to float rounding.
        for (int i = 0; i < STEPS; i++) {
            assertRelativelyClose(reference.losses()[i], opaque.losses()[i], 1e-5, "loss of step " + (i + 1) + " (opaque buffers)");
        }
        assertTrue(reference.losses()[STEPS - 1] < reference.losses()[0], "training lowers the loss: "
                + java.util.Arrays.toString(reference.losses()));
    }

    @Test
    @Tag("gpu")
    void gpuLossesMatchTheCpuWithF32Gemm() {
        Backend gpu;
        try {
            gpu = Backends.open("cuda");
        } catch (BackendUnavailableException e) {
            Assumptions.abort("no usable CUDA GPU: " + e.getMessage());
            return;
        }
        AcceleratorBackend acc = (AcceleratorBackend) gpu;
        String previous = acc.option("gemm");
        LmTrainingRun.Result onGpu;
        try {
            acc.setOption("gemm", "f32"); // no TF32: the comparison is against f32 arithmetic
            onGpu = LmTrainingRun.train(gpu, STEPS);
        } finally {
            acc.setOption("gemm", previous);
        }
        var onCpu = LmTrainingRun.train(Backends.cpu(), STEPS);
        System.out.println("cpu losses " + java.util.Arrays.toString(onCpu.losses()) + ", grad norms "
                + java.util.Arrays.toString(onCpu.gradNorms()));
        System.out.println("gpu losses " + java.util.Arrays.toString(onGpu.losses()) + ", grad norms "
                + java.util.Arrays.toString(onGpu.gradNorms()));
        for (int i = 0; i < STEPS; i++) {
            assertRelativelyClose(onCpu.losses()[i], onGpu.losses()[i], 1e-3, "loss of step " + (i + 1));
            assertRelativelyClose(onCpu.gradNorms()[i], onGpu.gradNorms()[i], 1e-3, "gradient norm of step " + (i + 1));
        }
        float[] c = onCpu.logits(), g = onGpu.logits();
        double maxAbs = 0, maxDiff = 0;
        for (int i = 0; i < c.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(c[i]));
            maxDiff = Math.max(maxDiff, Math.abs(c[i] - g[i]));
        }
        assertTrue(maxDiff <= 1e-3 * maxAbs, "logits after training differ by " + maxDiff + " (max |logit| " + maxAbs + ")");
    }

    private static void assertRelativelyClose(double expected, double actual, double rtol, String what) {
        if (!(Math.abs(actual - expected) <= rtol * Math.abs(expected))) {
            fail(what + ": " + actual + " vs cpu " + expected + " (relative difference "
                    + Math.abs(actual - expected) / Math.abs(expected) + ", allowed " + rtol + ")");
        }
    }
}
