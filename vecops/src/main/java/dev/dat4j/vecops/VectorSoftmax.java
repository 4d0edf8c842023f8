package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.getInt;
import static dev.dat4j.vecops.Simd.set;
import static dev.dat4j.vecops.Simd.sumLanes;

/**
 * Vector API row softmax (with causal blocks), log-softmax and fused cross-entropy, forward and
 * backward. Rows are independent and split over the worker pool; each row makes two or three
 * passes over data that stays in L1/L2, so main memory sees one read and one write per element.
 *
 * <p>Accuracy against the scalar reference: exp is {@link Simd#exp} (≤ 2 ulp, the reference
 * rounds a double exp), row sums are added in lane order, and normalisation multiplies by
 * 1/sum instead of dividing: probabilities agree to a few ulp (relative 1e-6).
 */
final class VectorSoftmax {
    private VectorSoftmax() {}

    // ---------------------------------------------------------------- softmax

    /** y = softmax(scale·x) per row; causal blocks mask column j > i + (cols − causalRows). */
    static void softmax(int rows, int cols, MemorySegment x, float scale, int causalRows, MemorySegment y) {
        Parallel.forRows(rows, 2L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long base = (long) r * cols;
                int valid = causalRows > 0 ? Math.clamp(r % causalRows + (cols - causalRows) + 1L, 0, cols) : cols;
                softmaxRow(x, y, base, valid, scale);
                zero(y, base + valid, cols - valid); // masked probabilities are exactly 0
            }
        });
    }

    /**
     * y[base..base+n) = softmax(scale·x[base..base+n)). Each pass is its own small method, and
     * loops with an exp load and store through the Vector API directly, on purpose: C2 stops
     * inlining ordinary methods once a compilation is big (see {@link VectorUnary}), and one
     * method holding all three loops went over that limit, boxing a vector per iteration.
     */
    private static void softmaxRow(MemorySegment x, MemorySegment y, long base, int n, float scale) {
        if (n == 0) return;
        // max(scale·x) = scale·max(x) for scale ≥ 0 (rounding is monotonic), scale·min(x) otherwise.
        float max = scale >= 0 ? scale * VectorReduce.max(x, base, n) : scale * VectorReduce.min(x, base, n);
        float sum = expStoreSum(x, y, base, n, scale, -max);
        scaleInPlace(y, base, n, 1f / sum);
    }

    /** y[base+j] = exp(scale·x[base+j] + shift) for j < n; returns their sum. */
    private static float expStoreSum(MemorySegment x, MemorySegment y, long base, int n, float scale, float shift) {
        FloatVector vscale = FloatVector.broadcast(S, scale), vshift = FloatVector.broadcast(S, shift);
        FloatVector vsum = FloatVector.zero(S);
        int end = (int) bound(n), j = 0;
        for (; j < end; j += L) {
            FloatVector e = Simd.expNoOverflow(FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).fma(vscale, vshift));
            e.intoMemorySegment(y, (base + j) << 2, ORDER);
            vsum = vsum.add(e);
        }
        float sum = sumLanes(vsum);
        for (; j < n; j++) {
            float e = (float) Math.exp(scale * get(x, base + j) + shift);
            set(y, base + j, e);
            sum += e;
        }
        return sum;
    }

    /** y[base..base+n) *= s. */
    private static void scaleInPlace(MemorySegment y, long base, int n, float s) {
        int end = (int) bound(n), j = 0;
        for (; j < end; j += L) FloatVector.fromMemorySegment(S, y, (base + j) << 2, ORDER).mul(s).intoMemorySegment(y, (base + j) << 2, ORDER);
        for (; j < n; j++) set(y, base + j, get(y, base + j) * s);
    }

    /** dx = scale · y ⊙ (dy − Σ dy·y) per row. */
    static void softmaxBackward(int rows, int cols, MemorySegment y, MemorySegment dy, float scale, MemorySegment dx) {
        Parallel.forRows(rows, 3L * cols, (r0, r1) -> {
            int end = (int) bound(cols);
            for (int r = r0; r < r1; r++) {
                long base = (long) r * cols;
                float dot = VectorReduce.dot(dy, base, y, base, cols);
                int j = 0;
                for (; j < end; j += L) {
                    FloatVector.fromMemorySegment(S, y, (base + j) << 2, ORDER).mul(scale).mul(FloatVector.fromMemorySegment(S, dy, (base + j) << 2, ORDER).sub(dot)).intoMemorySegment(dx, (base + j) << 2, ORDER);
                }
                for (; j < cols; j++) set(dx, base + j, scale * get(y, base + j) * (get(dy, base + j) - dot));
            }
        });
    }

    // ---------------------------------------------------------------- log-softmax

    /** y = x − logsumexp(x) per row. */
    static void logSoftmax(int rows, int cols, MemorySegment x, MemorySegment y) {
        Parallel.forRows(rows, 2L * cols, (r0, r1) -> {
            int end = (int) bound(cols);
            for (int r = r0; r < r1; r++) {
                long base = (long) r * cols;
                float lse = logSumExp(x, base, cols);
                int j = 0;
                for (; j < end; j += L) FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(lse).intoMemorySegment(y, (base + j) << 2, ORDER);
                for (; j < cols; j++) set(y, base + j, get(x, base + j) - lse);
            }
        });
    }

    /** dx = dy − exp(y)·Σ dy per row. */
    static void logSoftmaxBackward(int rows, int cols, MemorySegment y, MemorySegment dy, MemorySegment dx) {
        Parallel.forRows(rows, 3L * cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long base = (long) r * cols;
                logSoftmaxBackwardRow(y, dy, dx, base, cols, VectorReduce.sum(dy, base, cols));
            }
        });
    }

    /** dx[base..base+n) = dy − exp(y)·sum (its own method: see {@link #softmaxRow}). */
    private static void logSoftmaxBackwardRow(MemorySegment y, MemorySegment dy, MemorySegment dx, long base, int n,
                                              float sum) {
        int end = (int) bound(n), j = 0;
        for (; j < end; j += L) {
            FloatVector p = Simd.expNoOverflow(FloatVector.fromMemorySegment(S, y, (base + j) << 2, ORDER));
            FloatVector d = FloatVector.fromMemorySegment(S, dy, (base + j) << 2, ORDER);
            d.sub(p.mul(sum)).intoMemorySegment(dx, (base + j) << 2, ORDER);
        }
        for (; j < n; j++) set(dx, base + j, get(dy, base + j) - (float) Math.exp(get(y, base + j)) * sum);
    }

    // ---------------------------------------------------------------- cross-entropy

    /** losses[r] = logsumexp(logits[r]) − logits[r, t], 0 where t == ignoreIndex. */
    static void crossEntropy(int rows, int vocab, MemorySegment logits, MemorySegment targets, int ignoreIndex,
                             MemorySegment losses) {
        checkTargets(rows, vocab, targets, ignoreIndex);
        Parallel.forRows(rows, vocab, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int t = getInt(targets, r);
                long base = (long) r * vocab;
                set(losses, r, t == ignoreIndex ? 0f : logSumExp(logits, base, vocab) - get(logits, base + t));
            }
        });
    }

    /**
     * dlogits[r] = dlosses[r]·(softmax(logits[r]) − onehot(t)), a zero row where t == ignoreIndex.
     * log Σ exp of the row comes from the forward's loss (lse = loss + logit[t]), so the row is read
     * once: dlogits = dlosses[r]·exp(logit − lse) in one pass, then the target entry (an LM head's
     * rows are 4096 wide and come from memory: the max pass and the scaling pass of the exact path
     * cost as much as the exp pass). The recovered lse is off by about (loss + |lse|)·6e-8, so rows
     * with a loss or target logit beyond {@link #RECOVERED_LSE_LIMIT} take the exact path.
     */
    static void crossEntropyBackward(int rows, int vocab, MemorySegment logits, MemorySegment targets, int ignoreIndex,
                                     MemorySegment losses, MemorySegment dlosses, MemorySegment dlogits) {
        checkTargets(rows, vocab, targets, ignoreIndex);
        Parallel.forRows(rows, 2L * vocab, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int t = getInt(targets, r);
                long base = (long) r * vocab;
                if (t == ignoreIndex) {
                    zero(dlogits, base, vocab);
                    continue;
                }
                float xt = get(logits, base + t), loss = get(losses, r), d = get(dlosses, r), lse;
                if (loss <= RECOVERED_LSE_LIMIT && Math.abs(xt) <= RECOVERED_LSE_LIMIT) {
                    lse = loss + xt;
                    expStoreScaled(logits, dlogits, base, vocab, -lse, d);
                } else {                                   // exact: max, exp and sum, scale
                    float max = VectorReduce.max(logits, base, vocab);
                    lse = max + (float) Math.log(expStoreSum(logits, dlogits, base, vocab, 1f, -max));
                    scaleInPlace(dlogits, base, vocab, d * (float) Math.exp(max - lse));
                }
                set(dlogits, base + t, d * ((float) Math.exp(xt - lse) - 1f));
            }
        });
    }

    /** Largest loss and |target logit| for which the backward takes lse from the loss (error ≤ ~3e-6 relative). */
    static final float RECOVERED_LSE_LIMIT = 16f;

    /** y[base+j] = d·exp(x[base+j] + shift) for j in [0, n) (x + shift ≤ 0 here: a log-probability). */
    private static void expStoreScaled(MemorySegment x, MemorySegment y, long base, int n, float shift, float d) {
        FloatVector vshift = FloatVector.broadcast(S, shift), vd = FloatVector.broadcast(S, d);
        int end = (int) bound(n), j = 0;
        for (; j < end; j += L) {
            Simd.expNoOverflow(FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).add(vshift)).mul(vd)
                    .intoMemorySegment(y, (base + j) << 2, ORDER);
        }
        for (; j < n; j++) set(y, base + j, d * (float) Math.exp(get(x, base + j) + shift));
    }

    /** The reference's error for a target outside [0, vocab), raised before any row is written. */
    private static void checkTargets(int rows, int vocab, MemorySegment targets, int ignoreIndex) {
        for (int r = 0; r < rows; r++) {
            int t = getInt(targets, r);
            if (t != ignoreIndex) CpuBackend.checkIndex(t, vocab, "target", r);
        }
    }

    // ---------------------------------------------------------------- row helpers

    /** log Σ exp(x[base..base+n)), stabilised by the row maximum. */
    private static float logSumExp(MemorySegment x, long base, int n) {
        float max = VectorReduce.max(x, base, n);
        return max + (float) Math.log(expSum(x, base, n, max));
    }

    /** Σ exp(x[base+j] − shift). */
    private static float expSum(MemorySegment x, long base, int n, float shift) {
        int end = (int) bound(n), j = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; j < end; j += L) acc = acc.add(Simd.expNoOverflow(FloatVector.fromMemorySegment(S, x, (base + j) << 2, ORDER).sub(shift)));
        float sum = sumLanes(acc);
        for (; j < n; j++) sum += (float) Math.exp(get(x, base + j) - shift);
        return sum;
    }

    private static void zero(MemorySegment s, long from, int n) {
        FloatVector z = FloatVector.zero(S);
        int end = (int) bound(n), j = 0;
        for (; j < end; j += L) z.intoMemorySegment(s, (from + j) << 2, ORDER);
        for (; j < n; j++) set(s, from + j, 0f);
    }
}
