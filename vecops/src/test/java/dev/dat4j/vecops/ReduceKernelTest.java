package dev.dat4j.vecops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.dat4j.vecops.KernelAssert.SCALAR;
import static dev.dat4j.vecops.KernelAssert.SIZES;
import static dev.dat4j.vecops.KernelAssert.VECTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** VectorBackend's reductions against ScalarBackend, and their determinism. */
class ReduceKernelTest {
    /** (outer, n, inner): contiguous rows (inner 1), strided axes with vector and tail columns, large cases. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {3, 17, 1}, {5, 7, 1}, {2, 1000, 1}, {300, 1031, 1},
        {4, 33, 3}, {2, 67, 131}, {1, 1031, 17}, {3, 5, 300}, {1, 300, 1031}, {2, 1, 64},
    };

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reduceMatchesReference(ReduceOp op) {
        for (int[] s : SHAPES) {
            int outer = s[0], n = s[1], inner = s[2];
            try (KernelAssert k = new KernelAssert("reduce " + op + " (outer,n,inner)=" + KernelAssert.shape(s))) {
                CpuBuffer x = k.uniform((long) outer * n * inner, -1, 1);
                CpuBuffer ys = k.zeros((long) outer * inner), yv = k.zeros((long) outer * inner);
                SCALAR.reduce(op, outer, n, inner, x, ys);
                VECTOR.reduce(op, outer, n, inner, x, yv);
                if (inner > 1 || op == ReduceOp.MAX || op == ReduceOp.MIN) {
                    k.assertSame("y", ys, yv); // same summation order as the reference
                } else {
                    // Lane-parallel summation of n values in [−1, 1): error grows like √n ulps of the magnitudes.
                    k.assertClose("y", ys, yv, 1e-5, 2e-6 * Math.sqrt(n) / (op == ReduceOp.MEAN ? n : 1));
                }
            }
        }
    }

    @Test
    void argmaxPicksTheFirstMaximumLikeTheReference() {
        for (int[] s : SHAPES) {
            int outer = s[0], n = s[1], inner = s[2];
            try (KernelAssert k = new KernelAssert("argmax (outer,n,inner)=" + KernelAssert.shape(s))) {
                CpuBuffer x = k.coarse((long) outer * n * inner); // many ties
                CpuBuffer is = k.zeros((long) outer * inner), iv = k.zeros((long) outer * inner);
                SCALAR.argmax(outer, n, inner, x, is);
                VECTOR.argmax(outer, n, inner, x, iv);
                k.assertSameInts("idx", is, iv);
            }
        }
    }

    @Test
    void argmaxIgnoresNaNLikeTheReference() {
        try (KernelAssert k = new KernelAssert("argmax with NaN")) {
            float[] v = new float[40];
            for (int i = 0; i < v.length; i++) v[i] = i % 7;
            v[3] = Float.NaN;
            CpuBuffer x = k.of(v), is = k.zeros(2), iv = k.zeros(2);
            SCALAR.argmax(2, 20, 1, x, is);
            VECTOR.argmax(2, 20, 1, x, iv);
            k.assertSameInts("idx", is, iv);
        }
    }

    @Test
    void sumOfSquaresMatchesReferenceInDouble() {
        for (int n : new int[] {1, 3, 17, 33, 1031, 65_536, 300_007, 1_000_003}) {
            try (KernelAssert k = new KernelAssert("sumOfSquares n=" + n)) {
                CpuBuffer x = k.uniform(n, -3, 3);
                double expected = SCALAR.sumOfSquares(n, x), actual = VECTOR.sumOfSquares(n, x);
                assertEquals(expected, actual, 1e-12 * expected, "sumOfSquares n=" + n);
            }
        }
    }

    @Test
    void sumsAreDeterministicAcrossRunsAndThreadCounts() {
        int n = 1_000_003;
        try (KernelAssert k = new KernelAssert("determinism n=" + n)) {
            CpuBuffer x = k.uniform(n, -1, 1), y1 = k.zeros(1), y2 = k.zeros(1);
            double first = VECTOR.sumOfSquares(n, x);
            VECTOR.reduce(ReduceOp.SUM, 1, n, 1, x, y1);
            // Many repetitions: early calls run interpreted, later ones JIT-compiled.
            for (int rep = 0; rep < 50; rep++) {
                assertEquals(first, VECTOR.sumOfSquares(n, x), 0.0, "sumOfSquares changed on repetition " + rep);
                VECTOR.reduce(ReduceOp.SUM, 1, n, 1, x, y2);
                k.assertSame("reduce SUM repetition " + rep, y1, y2);
            }
            int defaultThreads = WorkerPool.global().threads();
            try {
                for (int threads : new int[] {1, 3, 5}) {
                    WorkerPool.setGlobalThreads(threads);
                    assertEquals(first, VECTOR.sumOfSquares(n, x), 0.0, "sumOfSquares with " + threads + " threads");
                }
            } finally {
                WorkerPool.setGlobalThreads(defaultThreads);
            }
        }
    }

    @Test
    void kernelsSplitOverThreadsMatchSingleThreadedRuns() {
        for (int n : SIZES) {
            try (KernelAssert k = new KernelAssert("threaded reduce n=" + n)) {
                CpuBuffer x = k.uniform(3L * n * 5, -1, 1);
                CpuBuffer one = k.zeros(15), many = k.zeros(15);
                int defaultThreads = WorkerPool.global().threads();
                try {
                    WorkerPool.setGlobalThreads(1);
                    VECTOR.reduce(ReduceOp.SUM, 3, n, 5, x, one);
                    WorkerPool.setGlobalThreads(3);
                    VECTOR.reduce(ReduceOp.SUM, 3, n, 5, x, many);
                } finally {
                    WorkerPool.setGlobalThreads(defaultThreads);
                }
                k.assertSame("y", one, many);
            }
        }
    }
}
