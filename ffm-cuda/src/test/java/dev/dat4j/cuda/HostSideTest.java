package dev.dat4j.cuda;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host-side logic of the CUDA backend that needs no GPU: shape coalescing, size classes, options, sources. */
class HostSideTest {

    /** Offsets under the original shape and under the simplified one must agree for every element. */
    @Test
    void stridedShapeSimplificationPreservesEveryOffset() {
        Random r = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(6);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) shape[d] = 1 + r.nextInt(4);
            long[] a = CudaElementwiseTest.contiguous(shape);
            long[] b = new long[rank];
            for (int d = 0; d < rank; d++) {
                if (r.nextInt(3) == 0) a[d] = 0;              // broadcast
                b[d] = r.nextInt(3) == 0 ? 0 : a[d] * (1 + r.nextInt(2));
            }
            StridedShape s = StridedShape.of(shape, a, b);
            long n = s.volume();
            for (long i = 0; i < n; i++) {
                assertEquals(offset(i, shape, a), offset(i, s.dims(), s.a()), "a offset " + i);
                assertEquals(offset(i, shape, b), offset(i, s.dims(), s.b()), "b offset " + i);
            }
        }
    }

    @Test
    void contiguousShapesCollapseToOneAxis() {
        StridedShape s = StridedShape.of(new int[] {2, 3, 1, 5}, new long[] {15, 5, 5, 1}, new long[] {15, 5, 99, 1});
        assertArrayEquals(new long[] {30}, s.dims());
        assertEquals(30, s.extentA());
        assertEquals(1 + 3 * 8, s.packed().length);
        assertEquals(0, StridedShape.of(new int[] {4, 0}, new long[] {1, 1}, null).volume());
        assertThrows(IllegalArgumentException.class, () -> StridedShape.of(new int[] {2, 3}, new long[] {1}, null));
    }

    private static long offset(long flat, int[] shape, long[] strides) {
        long off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (flat % shape[d]) * strides[d];
            flat /= shape[d];
        }
        return off;
    }

    private static long offset(long flat, long[] dims, long[] strides) {
        long off = 0;
        for (int d = dims.length - 1; d >= 0; d--) {
            off += (flat % dims[d]) * strides[d];
            flat /= dims[d];
        }
        return off;
    }

    @Test
    void sizeClassesCoverTheRequestWithBoundedWaste() {
        assertEquals(512, DeviceAllocator.sizeClass(1));
        assertEquals(512, DeviceAllocator.sizeClass(512));
        assertEquals(1024, DeviceAllocator.sizeClass(513));
        assertEquals(1 << 20, DeviceAllocator.sizeClass(1 << 20));
        Random r = new Random(3);
        for (int i = 0; i < 10_000; i++) {
            long bytes = 1 + (r.nextLong() >>> 1) % (64L << 30);
            long c = DeviceAllocator.sizeClass(bytes);
            assertTrue(c >= bytes && c <= bytes + Math.max(511, bytes / 8), bytes + " -> " + c);
            assertEquals(c, DeviceAllocator.sizeClass(c), "a class is its own class");
        }
    }

    @Test
    void gemmPrecisionParsing() {
        assertEquals(GemmPrecision.TF32, GemmPrecision.parse(" tf32 "));
        assertEquals(GemmPrecision.BF16, GemmPrecision.parse("BF16"));
        var e = assertThrows(IllegalArgumentException.class, () -> GemmPrecision.parse("fp8"));
        assertTrue(e.getMessage().contains("expected f32, tf32 or bf16"));
    }

    @Test
    void everyKernelFamilyHasItsSourceWithThePrelude() {
        for (String family : new String[] {"elementwise", "reduce", "softmax", "norm", "indexing", "rope", "optim", "convert"}) {
            String src = KernelLibrary.source(family);
            assertTrue(src.contains("block_reduce") && src.contains("#line 1 \"" + family + ".cu\""), family);
            assertTrue(src.contains("extern \"C\" __global__"), family);
        }
    }
}
