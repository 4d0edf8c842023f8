package dev.dat4j.vecops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.dat4j.vecops.KernelAssert.SCALAR;
import static dev.dat4j.vecops.KernelAssert.SIZES;
import static dev.dat4j.vecops.KernelAssert.VECTOR;
import static dev.dat4j.vecops.KernelAssert.contiguous;
import static dev.dat4j.vecops.KernelAssert.extent;
import static dev.dat4j.vecops.KernelAssert.shape;

/** VectorBackend's elementwise kernels against ScalarBackend. */
class ElementwiseKernelTest {

    /** A broadcast pattern: output shape with the strides of a and b. */
    private record Pattern(String name, int[] shape, long[] aStrides, long[] bStrides) {}

    private static Pattern[] patterns() {
        int[] big = {300, 1031};
        return new Pattern[] {
            new Pattern("contiguous", new int[] {1031}, new long[] {1}, new long[] {1}),
            new Pattern("contiguous 3-D", new int[] {3, 5, 67}, contiguous(new int[] {3, 5, 67}), contiguous(new int[] {3, 5, 67})),
            new Pattern("bias row", new int[] {2, 5, 33}, new long[] {165, 33, 1}, new long[] {0, 0, 1}),
            new Pattern("scalar b", new int[] {7, 17}, new long[] {17, 1}, new long[] {0, 0}),
            new Pattern("scalar a", new int[] {7, 17}, new long[] {0, 0}, new long[] {17, 1}),
            new Pattern("column b", new int[] {5, 131}, new long[] {131, 1}, new long[] {1, 0}),
            new Pattern("middle broadcast", new int[] {2, 3, 19}, new long[] {57, 19, 1}, new long[] {0, 1, 0}),
            new Pattern("transposed a", new int[] {13, 9}, new long[] {1, 13}, new long[] {9, 1}),
            new Pattern("both strided", new int[] {4, 6}, new long[] {1, 8}, new long[] {2, 12}),
            new Pattern("size-1 dims", new int[] {1, 5, 1, 7}, new long[] {0, 7, 0, 1}, new long[] {0, 0, 0, 1}),
            new Pattern("scalar", new int[] {}, new long[] {}, new long[] {}),
            new Pattern("empty", new int[] {3, 0}, new long[] {1, 1}, new long[] {1, 1}),
            new Pattern("large contiguous", big, contiguous(big), contiguous(big)),
            new Pattern("large bias row", big, contiguous(big), new long[] {0, 1}),
            new Pattern("large transposed", big, new long[] {1, 300}, new long[] {0, 1}),
            // rows shorter than a vector (masked), in runs along a dimension: relational attention's head products
            new Pattern("short broadcast rows", new int[] {4, 4, 257, 4, 7}, new long[] {4112, 1028, 4, 1, 0},
                    contiguous(new int[] {4, 4, 257, 4, 7})),
        };
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryMatchesReferenceForEveryBroadcastPattern(BinaryOp op) {
        for (Pattern p : patterns()) {
            try (KernelAssert k = new KernelAssert("binary " + op + " " + p.name() + " shape " + shape(p.shape()))) {
                long n = ScalarBackend.volume(p.shape());
                // Coarse values make EQ/GT/MAX/MIN meet ties; DIV gets a denominator away from zero.
                CpuBuffer a = k.coarse(extent(p.shape(), p.aStrides()));
                CpuBuffer b = op == BinaryOp.DIV ? k.uniform(extent(p.shape(), p.bStrides()), 0.5, 3) : k.coarse(extent(p.shape(), p.bStrides()));
                CpuBuffer expected = k.zeros(n), actual = k.zeros(n);
                SCALAR.binary(op, p.shape(), a, p.aStrides(), b, p.bStrides(), expected);
                VECTOR.binary(op, p.shape(), a, p.aStrides(), b, p.bStrides(), actual);
                k.assertSame("out", expected, actual);
            }
        }
    }

    @Test
    void binaryPropagatesNaNAndSignedZeroLikeMathMaxMin() {
        try (KernelAssert k = new KernelAssert("binary special values")) {
            float[] av = new float[37], bv = new float[37];
            float[] pool = {Float.NaN, 0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
            for (int i = 0; i < av.length; i++) {
                av[i] = pool[i % pool.length];
                bv[i] = pool[(i / pool.length) % pool.length];
            }
            CpuBuffer a = k.of(av), b = k.of(bv);
            for (BinaryOp op : BinaryOp.values()) {
                CpuBuffer expected = k.zeros(37), actual = k.zeros(37);
                SCALAR.binary(op, new int[] {37}, a, new long[] {1}, b, new long[] {1}, expected);
                VECTOR.binary(op, new int[] {37}, a, new long[] {1}, b, new long[] {1}, actual);
                k.assertSame(op.toString(), expected, actual);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryAndBackwardMatchReference(UnaryOp op) {
        boolean positiveOnly = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT;
        for (int n : SIZES) {
            try (KernelAssert k = new KernelAssert("unary " + op + " n=" + n)) {
                CpuBuffer x = positiveOnly ? k.uniform(n, 0.01, 10) : k.uniform(n, -8, 8);
                CpuBuffer ys = k.zeros(n), yv = k.zeros(n);
                SCALAR.unary(op, n, x, ys);
                VECTOR.unary(op, n, x, yv);
                // Transcendentals are SVML floats (≤ 1 ulp) against double-then-round references;
                // GELU's 1 + tanh cancels for x ≲ −3, hence the absolute term.
                k.assertClose("y", ys, yv, 2e-6, 2e-7);

                CpuBuffer dy = k.uniform(n, -1, 1), dxs = k.zeros(n), dxv = k.zeros(n);
                SCALAR.unaryBackward(op, n, x, ys, dy, dxs);
                VECTOR.unaryBackward(op, n, x, ys, dy, dxv);
                // GELU's derivative subtracts two terms of ~1e-3 near x ≈ −3; one ulp of tanh (which
                // the reference also rounds to float) then moves dx by up to ~5e-7 for |dy| ≤ 1.
                k.assertClose("dx", dxs, dxv, 2e-6, op == UnaryOp.GELU_TANH ? 1e-6 : 2e-7);
            }
        }
    }

    @Test
    void unaryWorksInPlace() {
        try (KernelAssert k = new KernelAssert("unary GELU_TANH in place n=1031")) {
            CpuBuffer x = k.uniform(1031, -4, 4), expected = k.zeros(1031);
            SCALAR.unary(UnaryOp.GELU_TANH, 1031, x, expected);
            VECTOR.unary(UnaryOp.GELU_TANH, 1031, x, x);
            k.assertClose("y", expected, x, 2e-6, 2e-7);
        }
    }

    @Test
    void fillAffineAxpyWhereAreBitIdentical() {
        for (int n : SIZES) {
            try (KernelAssert k = new KernelAssert("fill/affine/axpy/where n=" + n)) {
                CpuBuffer fs = k.zeros(n + 1), fv = k.zeros(n + 1);
                SCALAR.fill(fs, n, -2.5f);
                VECTOR.fill(fv, n, -2.5f);
                k.assertSame("fill (last element must stay untouched)", fs, fv);

                CpuBuffer x = k.uniform(n, -5, 5), as = k.zeros(n), av = k.zeros(n);
                SCALAR.affine(n, x, 1.7f, -0.3f, as);
                VECTOR.affine(n, x, 1.7f, -0.3f, av);
                k.assertSame("affine", as, av);

                CpuBuffer ys = k.uniform(n, -5, 5), yv = k.copyOf(ys);
                SCALAR.axpy(n, -0.7f, x, ys);
                VECTOR.axpy(n, -0.7f, x, yv);
                k.assertSame("axpy", ys, yv);

                CpuBuffer cond = k.coarse(n), a = k.uniform(n, -1, 1), b = k.uniform(n, -1, 1);
                CpuBuffer ws = k.zeros(n), wv = k.zeros(n);
                SCALAR.where(n, cond, a, b, ws);
                VECTOR.where(n, cond, a, b, wv);
                k.assertSame("where", ws, wv);
            }
        }
    }

    @Test
    void powMatchesReferenceForSpecialAndGeneralExponents() {
        float[] exponents = {1f, 2f, 3f, 0.5f, -0.5f, -1f, 1.7f, -2.25f, 0f};
        for (float p : exponents) {
            boolean needsPositive = p != Math.rint(p);
            for (int n : SIZES) {
                try (KernelAssert k = new KernelAssert("pow p=" + p + " n=" + n)) {
                    CpuBuffer x = needsPositive ? k.uniform(n, 0.05, 4) : k.uniform(n, -4, 4);
                    CpuBuffer ys = k.zeros(n), yv = k.zeros(n);
                    SCALAR.pow(n, x, p, ys);
                    VECTOR.pow(n, x, p, yv);
                    k.assertClose("y", ys, yv, 3e-7, 0);
                }
            }
        }
    }
}
