package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;

import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.set;

/**
 * Interleaved rotary embedding. x, y: (batch, seq, heads, dim); cos, sin: (≥ seq, dim/2).
 *
 * <p>For a pair (x0, x1) at lanes (2k, 2k+1): y = x·C + swap(x)·Sn, where swap exchanges the
 * two lanes of every pair, C = (c, c) and Sn = (−s, s). Per lane that is x0·c + x1·(−s) and
 * x1·c + x0·s: the reference's products and sums, so results are bit-identical. C and Sn are
 * expanded once per position for all heads and reused across the batch.
 */
final class VectorRope {
    /** i ↦ i ⊕ 1: swaps the two lanes of every pair. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(S, i -> i ^ 1);

    private VectorRope() {}

    static void rope(int batch, int seq, int heads, int dim, MemorySegment x, MemorySegment cos, MemorySegment sin,
                     boolean inverse, MemorySegment y) {
        int half = dim / 2, width = heads * dim; // one (b, t) slice: all heads of one position
        Parallel.forRows(seq, (long) batch * width, (t0, t1) -> {
            float[] c = new float[width], sn = new float[width];
            for (int t = t0; t < t1; t++) {
                for (int h = 0; h < heads; h++) {
                    for (int p = 0; p < half; p++) {
                        float cv = get(cos, (long) t * half + p), sv = get(sin, (long) t * half + p);
                        if (inverse) sv = -sv;
                        int lane = h * dim + 2 * p;
                        c[lane] = cv;
                        c[lane + 1] = cv;
                        sn[lane] = -sv;
                        sn[lane + 1] = sv;
                    }
                }
                for (int b = 0; b < batch; b++) rotate(x, y, ((long) b * seq + t) * width, c, sn, width);
            }
        });
    }

    /** y[base..base+n) = x·c + swap(x)·sn; n is even. y may alias x. */
    private static void rotate(MemorySegment x, MemorySegment y, long base, float[] c, float[] sn, int n) {
        int j = 0;
        for (int end = (int) bound(n); j < end; j += L) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER);
            FloatVector r = v.mul(FloatVector.fromArray(S, c, j)).add(v.rearrange(SWAP_PAIRS).mul(FloatVector.fromArray(S, sn, j)));
            r.intoMemorySegment(y, (base + j) << 2, ORDER);
        }
        for (; j < n; j += 2) {
            float x0 = get(x, base + j), x1 = get(x, base + j + 1);
            set(y, base + j, x0 * c[j] + x1 * sn[j]);
            set(y, base + j + 1, x1 * c[j + 1] + x0 * sn[j + 1]);
        }
    }
}
