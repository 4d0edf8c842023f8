package dev.dat4j.vecops;

import org.junit.jupiter.api.Test;

import static dev.dat4j.vecops.KernelAssert.SCALAR;
import static dev.dat4j.vecops.KernelAssert.VECTOR;
import static dev.dat4j.vecops.KernelAssert.contiguous;
import static dev.dat4j.vecops.KernelAssert.extent;
import static dev.dat4j.vecops.KernelAssert.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** VectorBackend's copies, embedding and gather against ScalarBackend (all bit-identical). */
class IndexingKernelTest {

    /** Strides of the permutation {@code perm} of a contiguous tensor of shape {@code src}: out dim d is src dim perm[d]. */
    private static long[] permuted(int[] src, int... perm) {
        long[] s = contiguous(src), out = new long[perm.length];
        for (int d = 0; d < perm.length; d++) out[d] = s[perm[d]];
        return out;
    }

    private static int[] permutedShape(int[] src, int... perm) {
        int[] out = new int[perm.length];
        for (int d = 0; d < perm.length; d++) out[d] = src[perm[d]];
        return out;
    }

    @Test
    void copyStridedMatchesReferenceForPermutesTransposesAndBroadcasts() {
        int[] bthd = {2, 33, 3, 17};
        int[] bthdLarge = {4, 129, 8, 64}, bthdShort = {4, 129, 8, 5};
        Object[][] cases = {
            {"contiguous", new int[] {1031}, new long[] {1}},
            {"contiguous large", new int[] {300_007}, new long[] {1}},
            {"BTHD->BHTD", permutedShape(bthd, 0, 2, 1, 3), permuted(bthd, 0, 2, 1, 3)},
            {"BTHD->BHTD large", permutedShape(bthdLarge, 0, 2, 1, 3), permuted(bthdLarge, 0, 2, 1, 3)},
            {"BTHD->BHTD short rows", permutedShape(bthdShort, 0, 2, 1, 3), permuted(bthdShort, 0, 2, 1, 3)},
            {"BHTD->BHDT", permutedShape(bthd, 0, 1, 3, 2), permuted(bthd, 0, 1, 3, 2)},
            {"2-D transpose 5x7", new int[] {7, 5}, new long[] {1, 7}},
            {"2-D transpose 131x67", new int[] {67, 131}, new long[] {1, 67}},
            {"2-D transpose large", new int[] {1031, 300}, new long[] {1, 1031}},
            {"broadcast row", new int[] {5, 33}, new long[] {0, 1}},
            {"broadcast column", new int[] {5, 33}, new long[] {1, 0}},
            {"broadcast scalar", new int[] {3, 1, 17}, new long[] {0, 0, 0}},
            {"every other column", new int[] {4, 9}, new long[] {18, 2}},
            {"reversed 3-D", new int[] {3, 4, 5}, new long[] {1, 3, 12}},
            {"size-1 and empty", new int[] {1, 0, 3}, new long[] {0, 3, 1}},
        };
        for (Object[] c : cases) {
            int[] shape = (int[]) c[1];
            long[] strides = (long[]) c[2];
            try (KernelAssert k = new KernelAssert("copyStrided " + c[0] + " shape " + shape(shape))) {
                long n = ScalarBackend.volume(shape);
                CpuBuffer src = k.uniform(Math.max(1, extent(shape, strides)), -1, 1);
                CpuBuffer expected = k.zeros(n), actual = k.uniform(n, 5, 6);
                SCALAR.copyStrided(shape, src, strides, expected);
                VECTOR.copyStrided(shape, src, strides, actual);
                k.assertSame("out", expected, actual);
            }
        }
    }

    @Test
    void copyIntoStridedOutputMatchesReference() {
        // {name, shape, src strides, out strides, out length}: slices of a row-major (…, 40) result
        // (a cat along the last dim), from row-major, permuted and broadcast sources; rows shorter
        // than a vector; a transposed output; large enough to run on several threads.
        Object[][] cases = {
            {"last-dim slice 8 of 40", new int[] {16, 4, 256, 8}, new long[] {8192, 2048, 8, 1}, new long[] {40960, 10240, 40, 1}, 16L * 4 * 256 * 40},
            {"last-dim slice 32 of 40, broadcast src", new int[] {16, 4, 256, 32}, new long[] {8192, 0, 32, 1}, new long[] {40960, 10240, 40, 1}, 16L * 4 * 256 * 40},
            {"odd slice 5 of 13", new int[] {3, 7, 5}, new long[] {35, 5, 1}, new long[] {91, 13, 1}, 3L * 7 * 13},
            {"transposed out", new int[] {33, 17}, new long[] {17, 1}, new long[] {1, 33}, 33L * 17},
            {"strided both", new int[] {9, 6}, new long[] {1, 18}, new long[] {14, 2}, 9L * 14},
        };
        for (Object[] c : cases) {
            int[] shape = (int[]) c[1];
            long[] srcStrides = (long[]) c[2], outStrides = (long[]) c[3];
            long outLength = (long) c[4];
            try (KernelAssert k = new KernelAssert("copyStrided into " + c[0] + " shape " + shape(shape))) {
                CpuBuffer src = k.uniform(Math.max(1, extent(shape, srcStrides)), -1, 1);
                CpuBuffer expected = k.uniform(outLength, 5, 6), actual = k.zeros(outLength);
                VECTOR.copyStrided(new int[] {(int) outLength}, expected, new long[] {1}, actual); // same background
                SCALAR.copyStrided(shape, src, srcStrides, expected, outStrides);
                VECTOR.copyStrided(shape, src, srcStrides, actual, outStrides);
                k.assertSame("out", expected, actual);
            }
        }
    }

    @Test
    void embeddingAndBackwardMatchReference() {
        for (int[] c : new int[][] {{1, 1, 1}, {5, 7, 3}, {33, 129, 17}, {1000, 64, 50}, {2048, 131, 300}}) {
            int n = c[0], dim = c[1], vocab = c[2];
            try (KernelAssert k = new KernelAssert("embedding n=" + n + " dim=" + dim + " vocab=" + vocab)) {
                CpuBuffer table = k.uniform((long) vocab * dim, -1, 1), ids = k.randomInts(n, vocab);
                CpuBuffer es = k.zeros((long) n * dim), ev = k.zeros((long) n * dim);
                SCALAR.embedding(n, dim, vocab, table, ids, es);
                VECTOR.embedding(n, dim, vocab, table, ids, ev);
                k.assertSame("out", es, ev);

                CpuBuffer dout = k.uniform((long) n * dim, -1, 1);
                CpuBuffer ds = k.zeros((long) vocab * dim), dv = k.uniform((long) vocab * dim, 5, 6);
                SCALAR.embeddingBackward(n, dim, vocab, ids, dout, ds);
                VECTOR.embeddingBackward(n, dim, vocab, ids, dout, dv);
                k.assertSame("dtable", ds, dv);
            }
        }
    }

    @Test
    void gatherAndBackwardMatchReference() {
        for (int[] c : new int[][] {{1, 1, 1}, {5, 7, 3}, {3, 129, 200}, {64, 1000, 17}, {300, 1031, 400}}) {
            int outer = c[0], n = c[1], kk = c[2];
            try (KernelAssert k = new KernelAssert("gather outer=" + outer + " n=" + n + " k=" + kk)) {
                CpuBuffer x = k.uniform((long) outer * n, -1, 1), idx = k.randomInts(outer * kk, n);
                CpuBuffer ys = k.zeros((long) outer * kk), yv = k.zeros((long) outer * kk);
                SCALAR.gather(outer, n, kk, x, idx, ys);
                VECTOR.gather(outer, n, kk, x, idx, yv);
                k.assertSame("y", ys, yv);

                CpuBuffer dy = k.uniform((long) outer * kk, -1, 1);
                CpuBuffer dxs = k.zeros((long) outer * n), dxv = k.uniform((long) outer * n, 5, 6);
                SCALAR.gatherBackward(outer, n, kk, idx, dy, dxs);
                VECTOR.gatherBackward(outer, n, kk, idx, dy, dxv);
                k.assertSame("dx", dxs, dxv);
            }
        }
    }

    @Test
    void badIndicesAreRejectedWithTheReferenceMessage() {
        try (KernelAssert k = new KernelAssert("bad indices")) {
            CpuBuffer table = k.uniform(12, -1, 1), ids = k.ints(0, 3, 1), out = k.zeros(12);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VECTOR.embedding(3, 4, 3, table, ids, out));
            assertEquals("token id 3 at position 1 is outside [0, 3)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> VECTOR.embeddingBackward(3, 4, 3, ids, out, table));
            CpuBuffer idx = k.ints(0, -1);
            e = assertThrows(IllegalArgumentException.class, () -> VECTOR.gather(1, 4, 2, table, idx, out));
            assertEquals("gather index -1 at position 1 is outside [0, 4)", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> VECTOR.gatherBackward(1, 4, 2, idx, table, out));
        }
    }
}
