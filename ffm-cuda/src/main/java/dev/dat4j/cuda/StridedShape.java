package dev.dat4j.cuda;

import java.util.Arrays;

/**
 * The shape and the element strides of one or two operands of a strided kernel (copyStrided,
 * binary), simplified before launch: size-1 axes are dropped and adjacent axes that are contiguous
 * in every operand are merged, so a plain elementwise op becomes rank 1 and the kernel's index
 * arithmetic stays short. Packs into the {@code Strided} struct of elementwise.cu.
 */
record StridedShape(long[] dims, long[] a, long[] b) {
    static final int MAX_RANK = 8;

    /** Simplifies {@code shape} with strides {@code a} (and {@code b}, which may be null). */
    static StridedShape of(int[] shape, long[] a, long[] b) {
        if (a.length != shape.length || (b != null && b.length != shape.length)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has rank " + shape.length
                    + " but strides " + Arrays.toString(a) + (b == null ? "" : " / " + Arrays.toString(b)) + " do not");
        }
        long[] dims = new long[shape.length], sa = new long[shape.length], sb = new long[shape.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            if (shape[d] == 0) return new StridedShape(new long[] {0}, new long[] {0}, new long[] {0});
            if (shape[d] == 1) continue;
            long bd = b == null ? 0 : b[d];
            // merge into the previous axis when both operands step through it contiguously
            if (rank > 0 && sa[rank - 1] == a[d] * shape[d] && sb[rank - 1] == bd * shape[d]) {
                dims[rank - 1] *= shape[d];
                sa[rank - 1] = a[d];
                sb[rank - 1] = bd;
            } else {
                dims[rank] = shape[d];
                sa[rank] = a[d];
                sb[rank] = bd;
                rank++;
            }
        }
        if (rank == 0) return new StridedShape(new long[] {1}, new long[] {0}, new long[] {0});
        if (rank > MAX_RANK) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " with strides " + Arrays.toString(a)
                    + " has " + rank + " non-mergeable axes; the CUDA kernels support at most " + MAX_RANK);
        }
        return new StridedShape(Arrays.copyOf(dims, rank), Arrays.copyOf(sa, rank), Arrays.copyOf(sb, rank));
    }

    long volume() {
        long v = 1;
        for (long d : dims) v *= d;
        return v;
    }

    /** Elements operand a must have: 1 + its largest offset (0 for an empty shape). */
    long extentA() {
        return extent(a);
    }

    long extentB() {
        return extent(b);
    }

    private long extent(long[] strides) {
        if (volume() == 0) return 0;
        long max = 0;
        for (int d = 0; d < dims.length; d++) {
            if (strides[d] < 0) throw new IllegalArgumentException("negative stride " + strides[d] + " is not supported");
            max += (dims[d] - 1) * strides[d];
        }
        return max + 1;
    }

    /** The kernel's {@code struct Strided {i64 rank; i64 dims[8]; i64 a[8]; i64 b[8];}}. */
    long[] packed() {
        long[] s = new long[1 + 3 * MAX_RANK];
        s[0] = dims.length;
        System.arraycopy(dims, 0, s, 1, dims.length);
        System.arraycopy(a, 0, s, 1 + MAX_RANK, a.length);
        System.arraycopy(b, 0, s, 1 + 2 * MAX_RANK, b.length);
        return s;
    }
}
