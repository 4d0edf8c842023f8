package dev.dat4j.cuda;

import dev.dat4j.vecops.MemoryScope;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures name the call, the status and the log, and leave the device usable. */
@Tag("gpu")
class CudaErrorsTest {

    @Test
    void compileErrorsCarryTheNvrtcLog() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        String broken = "extern \"C\" __global__ void k(float* x) { x[0] = undefined_name; }\n";
        var e = assertThrows(CudaException.class, () -> Nvrtc.compile(broken, "broken.cu", gpu.computeCapability(), List.of()));
        assertTrue(e.getMessage().contains("broken.cu") && e.getMessage().contains("undefined_name"), e.getMessage());
        assertTrue(e.getMessage().contains("NVRTC_ERROR_COMPILATION"), e.getMessage());
    }

    @Test
    void outOfMemoryIsNamedAndRecoverable() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        try (MemoryScope scope = gpu.newScope()) {
            var e = assertThrows(CudaException.class, () -> scope.allocate(1L << 42)); // 16 TiB
            assertTrue(e.getMessage().contains("cuMemAlloc_v2") && e.getMessage().contains("CUDA_ERROR_OUT_OF_MEMORY"),
                    e.getMessage());
            assertEquals(2, e.status());
            var ok = scope.allocate(10);
            gpu.fill(ok, 10, 1f);
            float[] v = new float[10];
            gpu.read(ok, v);
            assertEquals(1f, v[9]);
        }
    }
}
