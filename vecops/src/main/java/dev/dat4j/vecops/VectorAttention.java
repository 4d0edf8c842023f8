package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.FloatVector;

import static dev.dat4j.vecops.CpuBuffer.seg;
import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.sumLanes;

/**
 * Vector API {@link FusedAttention}. Per entry, K and V are transposed once into scratch arrays
 * (Kᵀ: (d, lkp), Vᵀ: (dv, lkp), lkp = lk rounded up to whole vectors, zero-padded), so that every
 * loop runs along the keys, one vector of keys at a time, whatever the head dim:
 *
 * <pre>
 * per query row i (its keys fit in L1: a row of scores is lk floats)
 *   row   = scale·Σ_c q_ic·Kᵀ[c]          d FMAs per vector of keys, 4 vectors in flight
 *   row   = exp(row − max), sum            (forward)   or  exp(row − lse_i)  (backward)
 *   O_i   = (Σ_j row_j·Vᵀ[c, j]) / sum     4 output channels per pass over the row
 * backward, also per row:
 *   dp    = Σ_c dO_ic·Vᵀ[c];  D_i = Σ_j p_j·dp_j / Σ_j p_j;  ds = scale·p·(dp − D_i)
 *   dVᵀ[c] += p·dO_ic;  dKᵀ[c] += ds·q_ic;  dQ_ic = ds·Kᵀ[c]    (dKᵀ, dVᵀ: per-entry scratch)
 * </pre>
 *
 * The forward pass splits (entry, block of query rows) units over the worker pool; the backward
 * pass splits entries (each accumulates its own dK, dV). Every loop is a small method of its own,
 * loading and storing through the Vector API directly (see {@link Simd}). Per unit of work the
 * arithmetic is that of GEMM, softmax, GEMM, but nothing of size lq·lk goes through memory.
 */
final class VectorAttention {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Query rows per forward task: enough to amortise transposing K and V for them. */
    private static final int ROWS_PER_TASK = 64;

    private VectorAttention() {}

    /** Per-thread scratch, grown on demand and reused by every call on that thread. */
    private static final class Scratch {
        float[] kt = new float[0], vt = new float[0], dkt = new float[0], dvt = new float[0];
        float[] row = new float[0], dp = new float[0], qi = new float[0], gi = new float[0], out = new float[0];

        void ensure(int d, int dv, int lkp, boolean backward) {
            if (kt.length < d * lkp) kt = new float[d * lkp];
            if (vt.length < dv * lkp) vt = new float[dv * lkp];
            if (row.length < lkp) row = new float[lkp];
            if (qi.length < d) qi = new float[d];
            if (gi.length < dv) gi = new float[dv];
            if (out.length < Math.max(d, dv)) out = new float[Math.max(d, dv)];
            if (!backward) return;
            if (dkt.length < d * lkp) dkt = new float[d * lkp];
            if (dvt.length < dv * lkp) dvt = new float[dv * lkp];
            if (dp.length < lkp) dp = new float[lkp];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ---------------------------------------------------------------- forward

    static void forward(AttentionProblem a, Buffer o, Buffer lse) {
        int blocks = Math.max(1, (a.lq() + ROWS_PER_TASK - 1) / ROWS_PER_TASK);
        long workPerUnit = (long) Math.min(a.lq(), ROWS_PER_TASK) * a.lk() * (a.d() + a.dv());
        MemorySegment so = seg(o), sl = seg(lse);
        Parallel.forRows(a.entries() * blocks, workPerUnit, (u0, u1) -> {
            Scratch s = SCRATCH.get();
            for (int u = u0; u < u1; u++) {
                int e = u / blocks, i0 = (u % blocks) * ROWS_PER_TASK, i1 = Math.min(a.lq(), i0 + ROWS_PER_TASK);
                forwardRows(a, e, i0, i1, s, so, sl);
            }
        });
    }

    /** O and lse of query rows [i0, i1) of entry e. */
    private static void forwardRows(AttentionProblem a, int e, int i0, int i1, Scratch s, MemorySegment o, MemorySegment lse) {
        if (i0 >= i1) return;
        int keys = a.visible(i1 - 1), lkp = padded(keys), d = a.d(), dv = a.dv();
        s.ensure(d, dv, lkp, false);
        transpose(seg(a.k()), a.kOff()[e], a.ldk(), keys, d, s.kt, lkp);
        transpose(seg(a.v()), a.vOff()[e], a.ldv(), keys, dv, s.vt, lkp);
        for (int i = i0; i < i1; i++) {
            long row = (long) e * a.lq() + i;
            int n = a.visible(i), nv = padded(n);
            if (n == 0) {
                lse.setAtIndex(F, row, Float.NEGATIVE_INFINITY);
                for (int c = 0; c < dv; c++) o.setAtIndex(F, row * dv + c, 0f);
                continue;
            }
            readRow(seg(a.q()), a.qOff()[e] + (long) i * a.ldq(), d, s.qi);
            scores(s.qi, d, s.kt, lkp, nv, a.scale(), s.row);
            maskTail(s.row, n, nv);
            float max = max(s.row, nv);
            float sum = expShift(s.row, nv, max);
            products(s.row, s.vt, lkp, nv, dv, s.out);
            for (int c = 0; c < dv; c++) o.setAtIndex(F, row * dv + c, s.out[c] / sum);
            lse.setAtIndex(F, row, max + (float) Math.log(sum));
        }
    }

    // ---------------------------------------------------------------- backward

    static void backward(AttentionProblem a, Buffer lse, Buffer dO, Buffer dq, Buffer dk, Buffer dv) {
        long workPerEntry = 2L * a.lq() * a.lk() * (a.d() + a.dv());
        MemorySegment sl = seg(lse), sdo = seg(dO), sdq = seg(dq), sdk = seg(dk), sdv = seg(dv);
        Parallel.forRows(a.entries(), workPerEntry, (e0, e1) -> {
            Scratch s = SCRATCH.get();
            for (int e = e0; e < e1; e++) backwardEntry(a, e, s, sl, sdo, sdq, sdk, sdv);
        });
    }

    private static void backwardEntry(AttentionProblem a, int e, Scratch s, MemorySegment lse,
                                      MemorySegment dO, MemorySegment dq, MemorySegment dk, MemorySegment dv) {
        int d = a.d(), dvw = a.dv(), keys = a.lq() == 0 ? 0 : a.visible(a.lq() - 1), lkp = padded(keys);
        s.ensure(d, dvw, lkp, true);
        transpose(seg(a.k()), a.kOff()[e], a.ldk(), keys, d, s.kt, lkp);
        transpose(seg(a.v()), a.vOff()[e], a.ldv(), keys, dvw, s.vt, lkp);
        java.util.Arrays.fill(s.dkt, 0, d * lkp, 0f);
        java.util.Arrays.fill(s.dvt, 0, dvw * lkp, 0f);
        for (int i = 0; i < a.lq(); i++) {
            long row = (long) e * a.lq() + i;
            int n = a.visible(i), nv = padded(n);
            if (n == 0) {
                for (int c = 0; c < d; c++) dq.setAtIndex(F, row * d + c, 0f);
                continue;
            }
            readRow(seg(a.q()), a.qOff()[e] + (long) i * a.ldq(), d, s.qi);
            readRow(dO, row * dvw, dvw, s.gi);
            scores(s.qi, d, s.kt, lkp, nv, a.scale(), s.row);
            maskTail(s.row, n, nv);
            float mass = expShift(s.row, nv, lse.getAtIndex(F, row)); // row = P_i, mass = Σ_j P_ij
            scores(s.gi, dvw, s.vt, lkp, nv, 1f, s.dp);                 // dp = dO_i·Vᵀ
            float dot = product(s.row, s.dp, 0, nv) / mass;              // D_i = Σ_j P_ij·dP_ij / Σ_j P_ij
            scoreGradients(s.row, s.dp, nv, dot, a.scale());             // dp = dS_i
            accumulate(s.dvt, lkp, nv, s.row, s.gi, dvw);
            accumulate(s.dkt, lkp, nv, s.dp, s.qi, d);
            products(s.dp, s.kt, lkp, nv, d, s.out);
            for (int c = 0; c < d; c++) dq.setAtIndex(F, row * d + c, s.out[c]);
        }
        untranspose(s.dkt, lkp, a.lk(), keys, d, dk, (long) e * a.lk() * d);
        untranspose(s.dvt, lkp, a.lk(), keys, dvw, dv, (long) e * a.lk() * dvw);
    }

    // ---------------------------------------------------------------- row kernels

    /** out[j] = scale·Σ_c x[c]·mt[c·lkp + j] for j < nv (nv a multiple of L): 4 key vectors at a time. */
    private static void scores(float[] x, int width, float[] mt, int lkp, int nv, float scale, float[] out) {
        int j = 0;
        for (; j + 4 * L <= nv; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0, base = j; c < width; c++, base += lkp) {
                FloatVector xc = FloatVector.broadcast(S, x[c]);
                a0 = FloatVector.fromArray(S, mt, base).fma(xc, a0);
                a1 = FloatVector.fromArray(S, mt, base + L).fma(xc, a1);
                a2 = FloatVector.fromArray(S, mt, base + 2 * L).fma(xc, a2);
                a3 = FloatVector.fromArray(S, mt, base + 3 * L).fma(xc, a3);
            }
            a0.mul(scale).intoArray(out, j);
            a1.mul(scale).intoArray(out, j + L);
            a2.mul(scale).intoArray(out, j + 2 * L);
            a3.mul(scale).intoArray(out, j + 3 * L);
        }
        for (; j < nv; j += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0, base = j; c < width; c++, base += lkp) {
                acc = FloatVector.fromArray(S, mt, base).fma(FloatVector.broadcast(S, x[c]), acc);
            }
            acc.mul(scale).intoArray(out, j);
        }
    }

    /** row[n..nv) = −∞: keys past the visible ones (or past lk) get probability 0. */
    private static void maskTail(float[] row, int n, int nv) {
        for (int j = n; j < nv; j++) row[j] = Float.NEGATIVE_INFINITY;
    }

    private static float max(float[] row, int nv) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < nv; j += L) acc = acc.max(FloatVector.fromArray(S, row, j));
        return acc.reduceLanes(jdk.incubator.vector.VectorOperators.MAX);
    }

    /** row = exp(row − shift) in place; returns the sum. */
    private static float expShift(float[] row, int nv, float shift) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < nv; j += L) {
            FloatVector p = Simd.exp(FloatVector.fromArray(S, row, j).sub(shift));
            p.intoArray(row, j);
            acc = acc.add(p);
        }
        return sumLanes(acc);
    }

    /** out[c] = Σ_j x[j]·mt[c·lkp + j] for c < width, 4 channels per pass over x. */
    private static void products(float[] x, float[] mt, int lkp, int nv, int width, float[] out) {
        int c = 0;
        for (; c + 4 <= width; c += 4) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int b0 = c * lkp, b1 = b0 + lkp, b2 = b1 + lkp, b3 = b2 + lkp;
            for (int j = 0; j < nv; j += L) {
                FloatVector xj = FloatVector.fromArray(S, x, j);
                a0 = FloatVector.fromArray(S, mt, b0 + j).fma(xj, a0);
                a1 = FloatVector.fromArray(S, mt, b1 + j).fma(xj, a1);
                a2 = FloatVector.fromArray(S, mt, b2 + j).fma(xj, a2);
                a3 = FloatVector.fromArray(S, mt, b3 + j).fma(xj, a3);
            }
            out[c] = sumLanes(a0);
            out[c + 1] = sumLanes(a1);
            out[c + 2] = sumLanes(a2);
            out[c + 3] = sumLanes(a3);
        }
        for (; c < width; c++) out[c] = product(x, mt, c * lkp, nv);
    }

    private static float product(float[] x, float[] mt, int base, int nv) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < nv; j += L) acc = FloatVector.fromArray(S, mt, base + j).fma(FloatVector.fromArray(S, x, j), acc);
        return sumLanes(acc);
    }

    /** dp = scale·p·(dp − dot): dS of one query row, in place. */
    private static void scoreGradients(float[] p, float[] dp, int nv, float dot, float scale) {
        for (int j = 0; j < nv; j += L) {
            FloatVector pj = FloatVector.fromArray(S, p, j);
            FloatVector.fromArray(S, dp, j).sub(dot).mul(pj).mul(scale).intoArray(dp, j);
        }
    }

    /** acc[c·lkp + j] += x[j]·w[c] for c < width, j < nv. */
    private static void accumulate(float[] acc, int lkp, int nv, float[] x, float[] w, int width) {
        for (int c = 0, base = 0; c < width; c++, base += lkp) {
            FloatVector wc = FloatVector.broadcast(S, w[c]);
            for (int j = 0; j < nv; j += L) {
                FloatVector.fromArray(S, x, j).fma(wc, FloatVector.fromArray(S, acc, base + j)).intoArray(acc, base + j);
            }
        }
    }

    // ---------------------------------------------------------------- layout

    /** dst[c·lkp + j] = src[off + j·ld + c] for j < rows, c < cols; zero for rows ≤ j < lkp. */
    private static void transpose(MemorySegment src, long off, int ld, int rows, int cols, float[] dst, int lkp) {
        for (int j = 0; j < rows; j++) {
            long r = off + (long) j * ld;
            for (int c = 0; c < cols; c++) dst[c * lkp + j] = src.getAtIndex(F, r + c);
        }
        for (int c = 0; c < cols; c++) java.util.Arrays.fill(dst, c * lkp + rows, (c + 1) * lkp, 0f);
    }

    /** out[off + j·cols + c] = src[c·lkp + j] for j < keys, 0 for keys ≤ j < lk (keys no query sees). */
    private static void untranspose(float[] src, int lkp, int lk, int keys, int cols, MemorySegment out, long off) {
        for (int j = 0; j < lk; j++) {
            long r = off + (long) j * cols;
            for (int c = 0; c < cols; c++) out.setAtIndex(F, r + c, j < keys ? src[c * lkp + j] : 0f);
        }
    }

    private static void readRow(MemorySegment src, long off, int n, float[] dst) {
        MemorySegment.copy(src, F, off << 2, dst, 0, n);
    }

    /** n rounded up to a whole number of vectors. */
    private static int padded(int n) {
        return (n + L - 1) / L * L;
    }
}
