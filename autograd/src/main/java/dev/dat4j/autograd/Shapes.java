package dev.dat4j.autograd;

import java.util.Arrays;

/** Shape and stride arithmetic shared by the ops. Shapes are {@code int[]}, strides {@code long[]} (in elements). */
final class Shapes {
    private Shapes() {}

    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Row-major strides of a contiguous tensor of {@code shape}. */
    static long[] contiguousStrides(int[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }

    /** Whether (shape, strides) address a dense row-major block (size-1 dims may have any stride). */
    static boolean isContiguous(int[] shape, long[] strides) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** One past the largest element offset reachable through (shape, strides); 0 if empty. */
    static long extent(int[] shape, long[] strides) {
        long e = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) return 0;
            e += (long) (shape[d] - 1) * strides[d];
        }
        return e;
    }

    /** Normalises a possibly negative dimension index, naming the op on error. */
    static int dim(int dim, int rank, String op) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " is out of range for a tensor of rank " + rank);
        }
        return d;
    }

    /** NumPy/PyTorch broadcast of two shapes; the error names the op and both shapes. */
    static int[] broadcast(int[] a, int[] b, String op) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast together");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides that read a tensor of (shape, strides) broadcast to {@code out}: 0 along broadcast dims. */
    static long[] broadcastStrides(int[] shape, long[] strides, int[] out) {
        long[] st = new long[out.length];
        int lead = out.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            st[lead + i] = shape[i] == 1 && out[lead + i] != 1 ? 0 : strides[i];
        }
        return st;
    }

    /**
     * Strides for viewing (shape, strides) as {@code newShape} without copying, or null when the
     * memory layout does not allow it (then reshape copies). Same rule as PyTorch's computeStride.
     */
    static long[] viewStrides(int[] shape, long[] strides, int[] newShape) {
        long[] out = new long[newShape.length];
        if (numel(shape) == 0) return contiguousStrides(newShape);
        int viewD = newShape.length - 1;
        long chunkBase = strides.length == 0 ? 1 : strides[strides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    out[viewD] = viewNumel * chunkBase;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            // leading size-1 dims of the new shape
            while (viewD >= 0) {
                if (newShape[viewD] != 1) return null;
                out[viewD--] = 1;
            }
        }
        return out;
    }

    /** Resolves one -1 entry of a reshape target against {@code numel}. */
    static int[] inferShape(int[] target, long numel, int[] from) {
        int[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + str(target));
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("reshape: invalid dimension " + out[i] + " in " + str(target));
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) {
                throw new IllegalArgumentException("reshape: cannot view shape " + str(from) + " as " + str(target));
            }
            out[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException("reshape: cannot view shape " + str(from) + " (" + numel
                    + " elements) as " + str(target) + " (" + known + " elements)");
        }
        return out;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static int[] checkShape(int[] shape) {
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
        }
        return shape.clone();
    }
}
