package dev.dat4j.vecops;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helper for comparing a fast kernel with the scalar reference: owns a memory scope and a
 * seeded random source for one test case, makes input buffers, and compares outputs element by
 * element with a message naming the op, its shape, the output and the first bad index.
 *
 * <pre>{@code
 * try (KernelAssert k = new KernelAssert("softmax rows=5 cols=7")) {
 *     CpuBuffer x = k.uniform(35, -3, 3), ys = k.zeros(35), yv = k.zeros(35);
 *     KernelAssert.SCALAR.softmax(5, 7, x, 1f, 0, ys);
 *     KernelAssert.VECTOR.softmax(5, 7, x, 1f, 0, yv);
 *     k.assertClose("y", ys, yv, 1e-6, 1e-7);
 * }
 * }</pre>
 *
 * Tolerance: |expected − actual| ≤ atol + rtol·|expected|; NaNs must match NaNs.
 */
final class KernelAssert implements AutoCloseable {
    static final ScalarBackend SCALAR = new ScalarBackend();
    static final VectorBackend VECTOR = new VectorBackend();

    /** Element counts that exercise empty-ish, sub-vector, tail and multi-thread paths. */
    static final int[] SIZES = {1, 3, 17, 33, 67, 131, 1000, 1031, 300_007};

    /** (rows, cols) pairs: odd tails, exact vector multiples, one above the threading threshold. */
    static final int[][] ROWS_COLS = {{1, 1}, {5, 7}, {3, 129}, {2, 64}, {64, 1000}, {7, 1031}, {300, 1031}};

    private final String op;
    private final CpuMemoryScope scope = new CpuMemoryScope();
    private final SplittableRandom random;

    KernelAssert(String op) {
        this(op, op.hashCode());
    }

    KernelAssert(String op, long seed) {
        this.op = op;
        this.random = new SplittableRandom(seed);
    }

    SplittableRandom random() {
        return random;
    }

    // ---------------------------------------------------------------- buffers

    /** n floats uniform in [lo, hi). */
    CpuBuffer uniform(long n, double lo, double hi) {
        CpuBuffer b = scope.allocate(n);
        for (long i = 0; i < n; i++) b.set(i, (float) random.nextDouble(lo, hi));
        return b;
    }

    /** n floats drawn from a few values (multiples of 0.5 in [−2, 2]), so ties and equalities occur. */
    CpuBuffer coarse(long n) {
        CpuBuffer b = scope.allocate(n);
        for (long i = 0; i < n; i++) b.set(i, random.nextInt(-4, 5) * 0.5f);
        return b;
    }

    CpuBuffer zeros(long n) {
        return scope.allocate(n);
    }

    CpuBuffer of(float... values) {
        CpuBuffer b = scope.allocate(values.length);
        for (int i = 0; i < values.length; i++) b.set(i, values[i]);
        return b;
    }

    CpuBuffer ints(int... values) {
        CpuBuffer b = scope.allocate(values.length);
        SCALAR.writeInts(b, values);
        return b;
    }

    /** n int32 values uniform in [0, bound). */
    CpuBuffer randomInts(int n, int bound) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = random.nextInt(bound);
        return ints(v);
    }

    /** A new buffer with the same contents (for kernels that update in place). */
    CpuBuffer copyOf(CpuBuffer src) {
        CpuBuffer b = scope.allocate(src.length());
        SCALAR.copy(src, b, src.length());
        return b;
    }

    // ---------------------------------------------------------------- comparisons

    /** Every element within atol + rtol·|expected|. */
    void assertClose(String output, Buffer expected, Buffer actual, double rtol, double atol) {
        float[] e = read(expected), a = read(actual);
        int bad = -1;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i]) || Float.isNaN(a[i])) {
                if (Float.isNaN(e[i]) != Float.isNaN(a[i]) && bad < 0) bad = i;
                continue;
            }
            if (Float.isInfinite(e[i]) || Float.isInfinite(a[i])) {
                if (e[i] != a[i] && bad < 0) bad = i;
                continue;
            }
            double err = Math.abs((double) e[i] - a[i]);
            worst = Math.max(worst, err / (atol + rtol * Math.abs(e[i])));
            if (err > atol + rtol * Math.abs(e[i]) && bad < 0) bad = i;
        }
        if (bad >= 0) {
            fail(String.format("%s, output %s[%d] of %d: expected %s but got %s (rtol %.1e, atol %.1e; worst error %.2f× tolerance)",
                    op, output, bad, e.length, e[bad], a[bad], rtol, atol, worst));
        }
    }

    /** Bit-identical floats (+0 and −0 differ; any NaN equals any NaN). */
    void assertSame(String output, Buffer expected, Buffer actual) {
        float[] e = read(expected), a = read(actual);
        for (int i = 0; i < e.length; i++) {
            if (Float.compare(e[i], a[i]) != 0) {
                fail(String.format("%s, output %s[%d] of %d: expected exactly %s but got %s", op, output, i, e.length, e[i], a[i]));
            }
        }
    }

    /** Equal int32 buffers. */
    void assertSameInts(String output, Buffer expected, Buffer actual) {
        int[] e = new int[(int) expected.length()], a = new int[(int) actual.length()];
        SCALAR.readInts(expected, e);
        SCALAR.readInts(actual, a);
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) fail(String.format("%s, output %s[%d] of %d: expected %d but got %d", op, output, i, e.length, e[i], a[i]));
        }
    }

    static float[] read(Buffer b) {
        float[] v = new float[(int) b.length()];
        SCALAR.read(b, v);
        return v;
    }

    /** Number of elements a strided view of {@code shape} reaches (1 + Σ (n_d − 1)·stride_d). */
    static long extent(int[] shape, long[] strides) {
        long e = 1;
        for (int d = 0; d < shape.length; d++) e += (shape[d] - 1L) * strides[d];
        return e;
    }

    /** Row-major contiguous strides of {@code shape}. */
    static long[] contiguous(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    static String shape(int... dims) {
        return Arrays.toString(dims);
    }

    @Override
    public void close() {
        scope.close();
    }
}
