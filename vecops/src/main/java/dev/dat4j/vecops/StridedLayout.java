package dev.dat4j.vecops;

import java.util.Arrays;

/**
 * A strided iteration space reduced to its simplest equivalent form, shared by
 * {@link Backend#binary} and {@link Backend#copyStrided}: the output is contiguous of
 * {@code shape}, and each operand k reads element Σ idx_d·strides[k][d].
 *
 * <p>Dimensions of size 1 are dropped and neighbouring dimensions are merged when every operand
 * walks them as one (stride[d−1] == stride[d]·shape[d]). A contiguous tensor becomes one
 * dimension; a bias row broadcast over (B, T, C) becomes (B·T, C) with strides (0, 1). Kernels
 * then look only at the innermost dimension ({@link #inner}, {@link #innerStride}) and walk the
 * outer ones with a {@link Cursor}.
 */
final class StridedLayout {
    /** Merged dimensions, outermost first; at least one (of size 1 for a scalar). */
    final long[] dims;
    /** strides[k][d]: stride of operand k along merged dimension d. */
    final long[][] strides;

    private StridedLayout(long[] dims, long[][] strides) {
        this.dims = dims;
        this.strides = strides;
    }

    static StridedLayout of(int[] shape, long[]... operandStrides) {
        for (long[] s : operandStrides) {
            if (s.length != shape.length) {
                throw new IllegalArgumentException("strides " + Arrays.toString(s) + " do not match shape " + Arrays.toString(shape));
            }
        }
        int ops = operandStrides.length;
        for (int n : shape) {
            if (n < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
        if (volumeOf(shape) == 0) return new StridedLayout(new long[] {0}, new long[ops][1]);
        long[] dims = new long[Math.max(1, shape.length)];
        long[][] strides = new long[ops][dims.length];
        int rank = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) continue;
            if (rank > 0 && mergeable(strides, rank - 1, operandStrides, d, shape[d])) {
                dims[rank - 1] *= shape[d];
                for (int k = 0; k < ops; k++) strides[k][rank - 1] = operandStrides[k][d];
                continue;
            }
            dims[rank] = shape[d];
            for (int k = 0; k < ops; k++) strides[k][rank] = operandStrides[k][d];
            rank++;
        }
        if (rank == 0) { // one element: an empty or all-ones shape
            dims[0] = 1;
            rank = 1;
        }
        long[][] trimmed = new long[ops][];
        for (int k = 0; k < ops; k++) trimmed[k] = Arrays.copyOf(strides[k], rank);
        return new StridedLayout(Arrays.copyOf(dims, rank), trimmed);
    }

    /** True when merged dim {@code prev} followed by shape dim {@code d} of size n is one walk for every operand. */
    private static boolean mergeable(long[][] merged, int prev, long[][] original, int d, int n) {
        for (int k = 0; k < merged.length; k++) {
            if (merged[k][prev] != original[k][d] * n) return false;
        }
        return true;
    }

    private static long volumeOf(int[] shape) {
        long v = 1;
        for (int s : shape) v *= s;
        return v;
    }

    private static long volumeOf(long[] shape) {
        long v = 1;
        for (long s : shape) v *= s;
        return v;
    }

    int rank() {
        return dims.length;
    }

    long volume() {
        return volumeOf(dims);
    }

    /** Length of the innermost merged dimension (one "row" of the walk). */
    long inner() {
        return dims[dims.length - 1];
    }

    long innerStride(int operand) {
        return strides[operand][dims.length - 1];
    }

    /**
     * Walks the rows (all dimensions but the innermost) in row-major order, keeping each
     * operand's offset up to date with additions only (no division per element).
     */
    final class Cursor {
        private final long[] idx = new long[dims.length];
        /** Offset of the current row's first element, per operand. */
        final long[] offset = new long[strides.length];

        /** Positions the cursor at the start of row {@code row}. */
        Cursor(long row) {
            for (int d = dims.length - 2; d >= 0; d--) {
                idx[d] = row % dims[d];
                row /= dims[d];
                for (int k = 0; k < offset.length; k++) offset[k] += idx[d] * strides[k][d];
            }
        }

        /** Moves to the next row. */
        void next() {
            for (int d = dims.length - 2; d >= 0; d--) {
                idx[d]++;
                for (int k = 0; k < offset.length; k++) offset[k] += strides[k][d];
                if (idx[d] < dims[d]) return;
                for (int k = 0; k < offset.length; k++) offset[k] -= dims[d] * strides[k][d];
                idx[d] = 0;
            }
        }

        /**
         * Rows left in the current run along the second-innermost merged dimension, counting the
         * current one (1 when the rank is 1): rows whose offsets differ by that dimension's strides.
         */
        long runLeft() {
            return dims.length < 2 ? 1 : dims[dims.length - 2] - idx[dims.length - 2];
        }

        /** Moves {@code rows} rows ahead, 1 ≤ rows ≤ {@link #runLeft()}. */
        void advance(long rows) {
            if (rows > 1) {
                int d = dims.length - 2;
                idx[d] += rows - 1;
                for (int k = 0; k < offset.length; k++) offset[k] += (rows - 1) * strides[k][d];
            }
            next();
        }

        /** Index along merged dimension d of the current row (d < rank − 1). */
        long index(int d) {
            return idx[d];
        }
    }
}
