package dev.dat4j.cuda;

import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;
import dev.dat4j.vecops.UnaryOp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scopes, transfers through the pinned staging block, slices and argument checks on the GPU. */
@Tag("gpu")
class CudaMemoryTest {

    @Test
    void roundTripLargerThanTheStagingBlock() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        int n = 3_000_017; // 12 MB: two chunks of the 8 MiB staging block
        float[] src = new float[n];
        for (int i = 0; i < n; i++) src[i] = i * 0.5f - 7f;
        try (MemoryScope scope = gpu.newScope()) {
            Buffer b = scope.allocate(n);
            gpu.write(b, src);
            float[] back = new float[n];
            gpu.read(b, back);
            assertArrayEquals(src, back);
            int[] ints = {3, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
            Buffer ib = scope.allocate(4);
            gpu.writeInts(ib, ints);
            int[] intsBack = new int[4];
            gpu.readInts(ib, intsBack);
            assertArrayEquals(ints, intsBack);
        }
    }

    @Test
    void allocationsAreZeroedAndSlicesShareMemory() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        try (MemoryScope scope = gpu.newScope()) {
            Buffer b = scope.allocate(1001);
            float[] v = new float[1001];
            java.util.Arrays.fill(v, 9f);
            gpu.read(b, v);
            for (float f : v) assertEquals(0f, f);
            Buffer s = b.slice(500, 10);
            gpu.fill(s, 10, 3f);
            gpu.read(b, v);
            for (int i = 0; i < v.length; i++) assertEquals(i >= 500 && i < 510 ? 3f : 0f, v[i], "element " + i);
        }
    }

    @Test
    void closingAScopeReturnsItsMemoryAndInvalidatesBuffers() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        long before = gpu.liveBytes();
        Buffer kept;
        try (MemoryScope scope = gpu.newScope()) {
            kept = scope.allocate(1 << 20);
            scope.allocate(12345);
            assertTrue(gpu.liveBytes() >= before + (4L << 20));
        }
        assertEquals(before, gpu.liveBytes());
        Buffer stale = kept;
        var e = assertThrows(IllegalStateException.class, () -> gpu.fill(stale, 1, 0f));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        // a step loop reuses cached blocks: live memory stays flat
        for (int step = 0; step < 50; step++) {
            try (MemoryScope scope = gpu.newScope()) {
                Buffer x = scope.allocate(100_000);
                gpu.unary(UnaryOp.EXP, 100_000, x, x);
            }
        }
        assertEquals(before, gpu.liveBytes());
    }

    @Test
    void peakMemoryCountsLiveBlocksSinceTheLastReset() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        gpu.resetPeakMemory();
        long before = gpu.peakMemoryBytes();
        assertEquals(gpu.liveBytes(), before);
        try (MemoryScope scope = gpu.newScope()) {
            scope.allocate(1 << 22);
            assertTrue(gpu.peakMemoryBytes() >= before + (16L << 20));
        }
        assertTrue(gpu.peakMemoryBytes() >= before + (16L << 20), "the peak outlives the scope");
        gpu.resetPeakMemory();
        assertEquals(before, gpu.peakMemoryBytes());
    }

    @Test
    void wrongBuffersAreRejectedBeforeLaunch() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        try (MemoryScope scope = gpu.newScope(); MemoryScope cpuScope = new dev.dat4j.vecops.ScalarBackend().newScope()) {
            Buffer small = scope.allocate(10);
            var e = assertThrows(IllegalArgumentException.class, () -> gpu.unary(UnaryOp.NEG, 11, small, small));
            assertTrue(e.getMessage().contains("has 10 elements, the op needs 11"), e.getMessage());
            Buffer host = cpuScope.allocate(10);
            var e2 = assertThrows(IllegalArgumentException.class, () -> gpu.unary(UnaryOp.NEG, 10, host, small));
            assertTrue(e2.getMessage().contains("expected a CUDA buffer"), e2.getMessage());
        }
    }

    @Test
    void providerDescribesTheGpuAndSharesOneBackendPerDevice() {
        CudaBackend gpu = GpuHarness.gpuOrSkip();
        CudaBackendProvider p = new CudaBackendProvider();
        String d = p.describe();
        assertTrue(d.contains("cuda:0 ") && d.contains("compute capability") && d.contains("MiB"), d);
        assertTrue(p.open(0) == gpu, "one backend (one owner thread) per device");
        assertTrue(dev.dat4j.vecops.Backends.open("cuda") == gpu);
        assertThrows(dev.dat4j.vecops.BackendUnavailableException.class, () -> p.open(1000));
    }
}
