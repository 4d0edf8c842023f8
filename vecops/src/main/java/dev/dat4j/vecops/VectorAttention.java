package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.dat4j.vecops.CpuBuffer.seg;
import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.sumLanes;

/**
 * Vector API {@link FusedAttention}. Per entry, K and V are copied once into scratch arrays in the
 * layout each product wants: transposed (Kᵀ: (d, lkp), Vᵀ: (dv, lkp), lkp = lk rounded up to whole
 * vectors, zero-padded) for products along the channels (S = Q·Kᵀ, dP = dO·Vᵀ: a vector of keys at
 * a time), row-major with rows padded to whole vectors (V, K: (lkp, wp)) for sums over the keys
 * (O = P·V, dQ = dS·K: a vector of channels per key, no lane sums). Query rows go in groups of
 * {@link #R}: each loaded vector serves R rows (register blocking, as in GEMM), which makes the
 * loops FMA-bound rather than load-bound.
 *
 * <pre>
 * per group of R query rows (R rows of scores: R·lk floats, in L1/L2)
 *   S     = scale·Q_g·Kᵀ                    R rows × 2 key vectors per step, d FMAs each
 *   P     = exp(S − max) per row, sums       (backward: exp(S − lse))
 *   O_g   = P·V / sums                       R rows × 2 channel vectors per pass over the keys
 * backward, also per group:
 *   dP    = dO_g·Vᵀ;  D = rowsum(dO_g ⊙ O_g);  P, dS = scale·P ⊙ (dP − D) in one pass
 *   dVᵀ  += dO_gᵀ·P;  dKᵀ += Q_gᵀ·dS;  dQ_g = dS·K    (dKᵀ, dVᵀ: per-entry scratch)
 * </pre>
 *
 * The forward pass splits (entry, block of query rows) units over the worker pool; the backward
 * pass splits entries (each accumulates its own dK, dV). Every loop is a small method of its own
 * (see {@link Simd} on C2's inlining budget).
 */
final class VectorAttention {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Query rows per register block. */
    static final int R = 4;

    private VectorAttention() {}

    /** Per-thread scratch, grown on demand and reused by every call on that thread. */
    private static final class Scratch {
        float[] kt = new float[0], vt = new float[0], dkt = new float[0], dvt = new float[0], kr = new float[0], vr = new float[0];
        float[] p = new float[0], dp = new float[0], q = new float[0], g = new float[0], o = new float[0], out = new float[0];
        final float[] max = new float[R], sum = new float[R];
        final int[] n = new int[R];

        void ensure(int d, int dv, int lkp, boolean backward) {
            if (kt.length < d * lkp) kt = new float[d * lkp];
            if (p.length < R * lkp) p = new float[R * lkp];
            if (q.length < R * d) q = new float[R * d];
            if (g.length < R * dv) g = new float[R * dv];
            if (out.length < R * padded(Math.max(d, dv))) out = new float[R * padded(Math.max(d, dv))];
            if (kr.length < lkp * padded(d)) kr = new float[lkp * padded(d)];
            if (vr.length < lkp * padded(dv)) vr = new float[lkp * padded(dv)];
            if (!backward) return;
            if (o.length < R * dv) o = new float[R * dv];
            if (vt.length < dv * lkp) vt = new float[dv * lkp];
            if (dkt.length < d * lkp) dkt = new float[d * lkp];
            if (dvt.length < dv * lkp) dvt = new float[dv * lkp];
            if (dp.length < R * lkp) dp = new float[R * lkp];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ---------------------------------------------------------------- forward

    static void forward(AttentionProblem a, Buffer o, Buffer lse) {
        // Units of (entry, block of query rows): about TASKS_PER_THREAD per thread, and no more
        // blocks per entry than that needs, since each unit transposes its entry's K and V.
        int wanted = Parallel.TASKS_PER_THREAD * WorkerPool.global().threads();
        int blocks = Math.max(1, Math.min(ceilDiv(a.lq(), R), ceilDiv(wanted, Math.max(1, a.entries()))));
        int rowsPerBlock = ceilDiv(ceilDiv(a.lq(), blocks), R) * R;
        long workPerUnit = (long) rowsPerBlock * a.lk() * (a.d() + a.dv());
        MemorySegment so = seg(o), sl = seg(lse);
        Parallel.forRows(a.entries() * blocks, workPerUnit, (u0, u1) -> {
            Scratch s = SCRATCH.get();
            for (int u = u0; u < u1; u++) {
                int e = u / blocks, i0 = (u % blocks) * rowsPerBlock, i1 = Math.min(a.lq(), i0 + rowsPerBlock);
                forwardRows(a, e, i0, i1, s, so, sl);
            }
        });
    }

    /** O and lse of query rows [i0, i1) of entry e. */
    private static void forwardRows(AttentionProblem a, int e, int i0, int i1, Scratch s, MemorySegment o, MemorySegment lse) {
        if (i0 >= i1) return;
        int keys = a.visible(i1 - 1), lkp = padded(keys), d = a.d(), dv = a.dv();
        s.ensure(d, dv, lkp, false);
        padRows(seg(a.k()), a.kOff()[e], a.ldk(), keys, d, s.kr, lkp);
        transpose(s.kr, d, s.kt, lkp);
        padRows(seg(a.v()), a.vOff()[e], a.ldv(), keys, dv, s.vr, lkp);
        for (int i = i0; i < i1; i += R) {
            int rows = Math.min(R, i1 - i), nv = padded(a.visible(i + rows - 1));
            readRows(a, e, i, rows, s.q);
            for (int r = 0; r < R; r++) s.n[r] = r < rows ? a.visible(i + r) : 0;
            forwardGroup(s, d, dv, lkp, nv, a.scale());
            for (int r = 0; r < rows; r++) {
                long row = (long) e * a.lq() + i + r;
                MemorySegment.copy(s.out, r * padded(dv), o, F, row * dv << 2, dv);
                lse.setAtIndex(F, row, s.max[r] + (float) Math.log(s.sum[r]));
            }
        }
    }

    /*
     * The group methods below do the arithmetic of R query rows on scratch arrays only. Memory
     * segment access (transposes, row copies) stays in their callers on purpose: it inlines into
     * thousands of compiler nodes, and a method holding both spends C2's inlining budget before
     * the Vector API loops, which then run boxed (see Simd). AllocationAudit checks these kernels.
     */

    /** s.out (R, padded dv) = O of the group's rows (s.q, visible keys s.n), s.max and s.sum their softmax terms. */
    private static void forwardGroup(Scratch s, int d, int dv, int lkp, int nv, float scale) {
        scores(s.q, d, s.kt, lkp, nv, scale, s.p, lkp);
        for (int r = 0; r < R; r++) {
            int base = r * lkp;
            if (s.n[r] == 0) {                   // no visible key (or a row past the end): P = 0, O = 0
                Arrays.fill(s.p, base, base + nv, 0f);
                s.max[r] = Float.NEGATIVE_INFINITY;
                s.sum[r] = 0f;
                continue;
            }
            maskTail(s.p, base + s.n[r], base + nv);
            s.max[r] = max(s.p, base, nv);
            s.sum[r] = expShift(s.p, base, nv, s.max[r]);
        }
        int dvp = padded(dv);
        weightedRows(s.p, lkp, s.vr, dvp, nv, s.out);
        for (int r = 0; r < R; r++) {
            float inv = s.sum[r] == 0f ? 0f : 1f / s.sum[r];
            for (int c = 0; c < dv; c++) s.out[r * dvp + c] *= inv;
        }
    }

    // ---------------------------------------------------------------- backward

    static void backward(AttentionProblem a, Buffer o, Buffer lse, Buffer dO, Buffer dq, Buffer dk, Buffer dv) {
        long workPerEntry = 2L * a.lq() * a.lk() * (a.d() + a.dv());
        MemorySegment so = seg(o), sl = seg(lse), sdo = seg(dO), sdq = seg(dq), sdk = seg(dk), sdv = seg(dv);
        Parallel.forRows(a.entries(), workPerEntry, (e0, e1) -> {
            Scratch s = SCRATCH.get();
            for (int e = e0; e < e1; e++) backwardEntry(a, e, s, so, sl, sdo, sdq, sdk, sdv);
        });
    }

    private static void backwardEntry(AttentionProblem a, int e, Scratch s, MemorySegment o, MemorySegment lse,
                                      MemorySegment dO, MemorySegment dq, MemorySegment dk, MemorySegment dv) {
        int d = a.d(), dvw = a.dv(), keys = a.lq() == 0 ? 0 : a.visible(a.lq() - 1), lkp = padded(keys);
        s.ensure(d, dvw, lkp, true);
        padRows(seg(a.k()), a.kOff()[e], a.ldk(), keys, d, s.kr, lkp);
        transpose(s.kr, d, s.kt, lkp);
        padRows(seg(a.v()), a.vOff()[e], a.ldv(), keys, dvw, s.vr, lkp);
        transpose(s.vr, dvw, s.vt, lkp);
        Arrays.fill(s.dkt, 0, d * lkp, 0f);
        Arrays.fill(s.dvt, 0, dvw * lkp, 0f);
        for (int i = 0; i < a.lq(); i += R) {
            int rows = Math.min(R, a.lq() - i), nv = padded(a.visible(i + rows - 1));
            readRows(a, e, i, rows, s.q);
            Arrays.fill(s.g, 0f);
            MemorySegment.copy(dO, F, ((long) e * a.lq() + i) * dvw << 2, s.g, 0, rows * dvw);
            MemorySegment.copy(o, F, ((long) e * a.lq() + i) * dvw << 2, s.o, 0, rows * dvw);
            for (int r = 0; r < R; r++) {
                s.n[r] = r < rows ? a.visible(i + r) : 0;
                s.max[r] = r < rows ? lse.getAtIndex(F, (long) e * a.lq() + i + r) : 0f;
                s.sum[r] = r < rows ? dot(s.g, s.o, r * dvw, dvw) : 0f;                  // D = dO·O
            }
            backwardGroup(s, d, dvw, lkp, nv, a.scale());
            for (int r = 0; r < rows; r++) MemorySegment.copy(s.out, r * padded(d), dq, F, ((long) e * a.lq() + i + r) * d << 2, d);
        }
        untranspose(s.dkt, lkp, a.lk(), keys, d, s.kr, dk, (long) e * a.lk() * d);   // kr, vr: free by now
        untranspose(s.dvt, lkp, a.lk(), keys, dvw, s.vr, dv, (long) e * a.lk() * dvw);
    }

    /**
     * One group's share of the gradients: s.out (R, padded d) = dQ of its rows, dKᵀ and dVᵀ accumulated.
     * Inputs: s.q (R, d), s.g = dO (R, dv), s.n visible keys, s.max = lse and s.sum = D per row.
     */
    private static void backwardGroup(Scratch s, int d, int dv, int lkp, int nv, float scale) {
        scores(s.q, d, s.kt, lkp, nv, scale, s.p, lkp);
        scores(s.g, dv, s.vt, lkp, nv, 1f, s.dp, lkp);                    // dP = dO·Vᵀ
        for (int r = 0; r < R; r++) {
            int base = r * lkp;
            if (s.n[r] == 0) {                   // no visible key (or a row past the end): P = dS = 0
                Arrays.fill(s.p, base, base + nv, 0f);
                Arrays.fill(s.dp, base, base + nv, 0f);
                continue;
            }
            maskTail(s.p, base + s.n[r], base + nv);
            probabilitiesAndGradients(s.p, s.dp, base, nv, s.max[r], s.sum[r], scale);
        }
        accumulate(s.dvt, lkp, nv, s.p, lkp, s.g, dv);
        accumulate(s.dkt, lkp, nv, s.dp, lkp, s.q, d);
        weightedRows(s.dp, lkp, s.kr, padded(d), nv, s.out);
    }

    /** R query rows of entry e from row i into x (R, d); rows past {@code rows} are zero. */
    private static void readRows(AttentionProblem a, int e, int i, int rows, float[] x) {
        int d = a.d();
        MemorySegment q = seg(a.q());
        for (int r = 0; r < R; r++) {
            if (r < rows) MemorySegment.copy(q, F, (a.qOff()[e] + (long) (i + r) * a.ldq()) << 2, x, r * d, d);
            else Arrays.fill(x, r * d, (r + 1) * d, 0f);
        }
    }

    // ---------------------------------------------------------------- row-group kernels

    /**
     * out[r·ldo + j] = scale·Σ_c x[r·width + c]·mt[c·lkp + j] for the R rows r and j < nv (a
     * multiple of L): R rows × 2 key vectors of accumulators, so each loaded vector feeds R FMAs.
     */
    private static void scores(float[] x, int width, float[] mt, int lkp, int nv, float scale, float[] out, int ldo) {
        int j = 0;
        for (; j + 2 * L <= nv; j += 2 * L) {
            FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int c = 0, base = j; c < width; c++, base += lkp) {
                FloatVector k0 = FloatVector.fromArray(S, mt, base), k1 = FloatVector.fromArray(S, mt, base + L);
                FloatVector x0 = FloatVector.broadcast(S, x[c]), x1 = FloatVector.broadcast(S, x[width + c]);
                FloatVector x2 = FloatVector.broadcast(S, x[2 * width + c]), x3 = FloatVector.broadcast(S, x[3 * width + c]);
                a00 = k0.fma(x0, a00);
                a01 = k1.fma(x0, a01);
                a10 = k0.fma(x1, a10);
                a11 = k1.fma(x1, a11);
                a20 = k0.fma(x2, a20);
                a21 = k1.fma(x2, a21);
                a30 = k0.fma(x3, a30);
                a31 = k1.fma(x3, a31);
            }
            a00.mul(scale).intoArray(out, j);
            a01.mul(scale).intoArray(out, j + L);
            a10.mul(scale).intoArray(out, ldo + j);
            a11.mul(scale).intoArray(out, ldo + j + L);
            a20.mul(scale).intoArray(out, 2 * ldo + j);
            a21.mul(scale).intoArray(out, 2 * ldo + j + L);
            a30.mul(scale).intoArray(out, 3 * ldo + j);
            a31.mul(scale).intoArray(out, 3 * ldo + j + L);
        }
        if (j < nv) scoresLastVector(x, width, mt, lkp, j, scale, out, ldo);
    }

    /** {@link #scores} for the one key vector at j left over by its 2-vector steps. */
    private static void scoresLastVector(float[] x, int width, float[] mt, int lkp, int j, float scale, float[] out, int ldo) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int c = 0, base = j; c < width; c++, base += lkp) {
            FloatVector k = FloatVector.fromArray(S, mt, base);
            a0 = k.fma(FloatVector.broadcast(S, x[c]), a0);
            a1 = k.fma(FloatVector.broadcast(S, x[width + c]), a1);
            a2 = k.fma(FloatVector.broadcast(S, x[2 * width + c]), a2);
            a3 = k.fma(FloatVector.broadcast(S, x[3 * width + c]), a3);
        }
        a0.mul(scale).intoArray(out, j);
        a1.mul(scale).intoArray(out, ldo + j);
        a2.mul(scale).intoArray(out, 2 * ldo + j);
        a3.mul(scale).intoArray(out, 3 * ldo + j);
    }

    /** a[from..to) = −∞: keys past the visible ones (or past lk) get probability 0. */
    private static void maskTail(float[] a, int from, int to) {
        Arrays.fill(a, from, to, Float.NEGATIVE_INFINITY);
    }

    /** max of a[off..off+nv): 2 accumulators (one chain of dependent max ops was latency-bound). */
    private static float max(float[] a, int off, int nv) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int j = off, end = off + nv;
        for (; j + 2 * L <= end; j += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(S, a, j));
            m1 = m1.max(FloatVector.fromArray(S, a, j + L));
        }
        if (j < end) m0 = m0.max(FloatVector.fromArray(S, a, j));
        return m0.max(m1).reduceLanes(VectorOperators.MAX);
    }

    /** a[off..off+nv) = exp(a − shift) in place; returns their sum. */
    private static float expShift(float[] a, int off, int nv, float shift) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = off; j < off + nv; j += L) {
            FloatVector p = Simd.expNoOverflow(FloatVector.fromArray(S, a, j).sub(shift));
            p.intoArray(a, j);
            acc = acc.add(p);
        }
        return sumLanes(acc);
    }

    /**
     * out[r·wp + c] = Σ_j x[r·ldx + j]·m[j·wp + c] for the R rows, c < wp and j < n, with m
     * row-major (a row per key, wp = its width padded to whole vectors): per key, each vector of m
     * feeds R FMAs with the broadcast x[r·ldx + j]. No lane sums are needed, unlike a product
     * along the keys (m transposed), which costs one per output value.
     */
    private static void weightedRows(float[] x, int ldx, float[] m, int wp, int n, float[] out) {
        int c = 0;
        for (; c + 2 * L <= wp; c += 2 * L) weightedRows2(x, ldx, m, wp, c, n, out);
        if (c < wp) weightedRows1(x, ldx, m, wp, c, n, out);
    }

    /** {@link #weightedRows} for the two vectors of columns at c. */
    private static void weightedRows2(float[] x, int ldx, float[] m, int wp, int c, int n, float[] out) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        for (int j = 0, mj = c; j < n; j++, mj += wp) {
            FloatVector m0 = FloatVector.fromArray(S, m, mj), m1 = FloatVector.fromArray(S, m, mj + L);
            FloatVector x0 = FloatVector.broadcast(S, x[j]), x1 = FloatVector.broadcast(S, x[ldx + j]);
            FloatVector x2 = FloatVector.broadcast(S, x[2 * ldx + j]), x3 = FloatVector.broadcast(S, x[3 * ldx + j]);
            a00 = m0.fma(x0, a00);
            a01 = m1.fma(x0, a01);
            a10 = m0.fma(x1, a10);
            a11 = m1.fma(x1, a11);
            a20 = m0.fma(x2, a20);
            a21 = m1.fma(x2, a21);
            a30 = m0.fma(x3, a30);
            a31 = m1.fma(x3, a31);
        }
        a00.intoArray(out, c);
        a01.intoArray(out, c + L);
        a10.intoArray(out, wp + c);
        a11.intoArray(out, wp + c + L);
        a20.intoArray(out, 2 * wp + c);
        a21.intoArray(out, 2 * wp + c + L);
        a30.intoArray(out, 3 * wp + c);
        a31.intoArray(out, 3 * wp + c + L);
    }

    /**
     * {@link #weightedRows} for the one vector of columns at c: even and odd keys go to separate
     * accumulators, so 8 FMA chains are in flight (4 were latency-bound).
     */
    private static void weightedRows1(float[] x, int ldx, float[] m, int wp, int c, int n, float[] out) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int x1 = ldx, x2 = 2 * ldx, x3 = 3 * ldx, j = 0;
        for (int mj = c; j + 2 <= n; j += 2, mj += 2 * wp) {
            FloatVector m0 = FloatVector.fromArray(S, m, mj), m1 = FloatVector.fromArray(S, m, mj + wp);
            a0 = m0.fma(FloatVector.broadcast(S, x[j]), a0);
            a1 = m0.fma(FloatVector.broadcast(S, x[x1 + j]), a1);
            a2 = m0.fma(FloatVector.broadcast(S, x[x2 + j]), a2);
            a3 = m0.fma(FloatVector.broadcast(S, x[x3 + j]), a3);
            b0 = m1.fma(FloatVector.broadcast(S, x[j + 1]), b0);
            b1 = m1.fma(FloatVector.broadcast(S, x[x1 + j + 1]), b1);
            b2 = m1.fma(FloatVector.broadcast(S, x[x2 + j + 1]), b2);
            b3 = m1.fma(FloatVector.broadcast(S, x[x3 + j + 1]), b3);
        }
        if (j < n) {
            FloatVector m0 = FloatVector.fromArray(S, m, c + j * wp);
            a0 = m0.fma(FloatVector.broadcast(S, x[j]), a0);
            a1 = m0.fma(FloatVector.broadcast(S, x[x1 + j]), a1);
            a2 = m0.fma(FloatVector.broadcast(S, x[x2 + j]), a2);
            a3 = m0.fma(FloatVector.broadcast(S, x[x3 + j]), a3);
        }
        a0.add(b0).intoArray(out, c);
        a1.add(b1).intoArray(out, wp + c);
        a2.add(b2).intoArray(out, 2 * wp + c);
        a3.add(b3).intoArray(out, 3 * wp + c);
    }

    /**
     * One backward row on [off, off+nv): p = exp(s − lse) in place (P) and dp = scale·P·(dp − D)
     * in place (dS), in one pass.
     */
    private static void probabilitiesAndGradients(float[] p, float[] dp, int off, int nv, float lse, float d, float scale) {
        for (int j = off; j < off + nv; j += L) {
            FloatVector pj = Simd.expNoOverflow(FloatVector.fromArray(S, p, j).sub(lse));
            pj.intoArray(p, j);
            FloatVector.fromArray(S, dp, j).sub(d).mul(pj.mul(scale)).intoArray(dp, j);
        }
    }

    /** Σ_c x[off + c]·y[off + c] for c < n, in order (scalar: n is a head width). */
    private static float dot(float[] x, float[] y, int off, int n) {
        float acc = 0f;
        for (int c = off; c < off + n; c++) acc += x[c] * y[c];
        return acc;
    }

    /**
     * acc[c·lkp + j] += Σ_r x[r·ldx + j]·w[r·width + c] for c < width, j < nv: 4 channels at a time,
     * so each loaded x vector feeds 4 FMAs and each acc vector is loaded and stored once per R.
     */
    private static void accumulate(float[] acc, int lkp, int nv, float[] x, int ldx, float[] w, int width) {
        int c = 0;
        for (; c + 4 <= width; c += 4) accumulate4(acc, lkp, nv, x, ldx, w, width, c);
        for (; c < width; c++) accumulate1(acc, lkp, nv, x, ldx, w, width, c);
    }

    /** {@link #accumulate} for channels c..c+3: the 16 weights stay in registers. */
    private static void accumulate4(float[] acc, int lkp, int nv, float[] x, int ldx, float[] w, int width, int c) {
        int b0 = c * lkp, b1 = b0 + lkp, b2 = b1 + lkp, b3 = b2 + lkp, w1 = width, w2 = 2 * width, w3 = 3 * width;
        FloatVector r0c0 = FloatVector.broadcast(S, w[c]), r0c1 = FloatVector.broadcast(S, w[c + 1]);
        FloatVector r0c2 = FloatVector.broadcast(S, w[c + 2]), r0c3 = FloatVector.broadcast(S, w[c + 3]);
        FloatVector r1c0 = FloatVector.broadcast(S, w[w1 + c]), r1c1 = FloatVector.broadcast(S, w[w1 + c + 1]);
        FloatVector r1c2 = FloatVector.broadcast(S, w[w1 + c + 2]), r1c3 = FloatVector.broadcast(S, w[w1 + c + 3]);
        FloatVector r2c0 = FloatVector.broadcast(S, w[w2 + c]), r2c1 = FloatVector.broadcast(S, w[w2 + c + 1]);
        FloatVector r2c2 = FloatVector.broadcast(S, w[w2 + c + 2]), r2c3 = FloatVector.broadcast(S, w[w2 + c + 3]);
        FloatVector r3c0 = FloatVector.broadcast(S, w[w3 + c]), r3c1 = FloatVector.broadcast(S, w[w3 + c + 1]);
        FloatVector r3c2 = FloatVector.broadcast(S, w[w3 + c + 2]), r3c3 = FloatVector.broadcast(S, w[w3 + c + 3]);
        for (int j = 0; j < nv; j += L) {
            FloatVector x0 = FloatVector.fromArray(S, x, j), x1 = FloatVector.fromArray(S, x, ldx + j);
            FloatVector x2 = FloatVector.fromArray(S, x, 2 * ldx + j), x3 = FloatVector.fromArray(S, x, 3 * ldx + j);
            x3.fma(r3c0, x2.fma(r2c0, x1.fma(r1c0, x0.fma(r0c0, FloatVector.fromArray(S, acc, b0 + j))))).intoArray(acc, b0 + j);
            x3.fma(r3c1, x2.fma(r2c1, x1.fma(r1c1, x0.fma(r0c1, FloatVector.fromArray(S, acc, b1 + j))))).intoArray(acc, b1 + j);
            x3.fma(r3c2, x2.fma(r2c2, x1.fma(r1c2, x0.fma(r0c2, FloatVector.fromArray(S, acc, b2 + j))))).intoArray(acc, b2 + j);
            x3.fma(r3c3, x2.fma(r2c3, x1.fma(r1c3, x0.fma(r0c3, FloatVector.fromArray(S, acc, b3 + j))))).intoArray(acc, b3 + j);
        }
    }

    /** {@link #accumulate} for channel c alone. */
    private static void accumulate1(float[] acc, int lkp, int nv, float[] x, int ldx, float[] w, int width, int c) {
        int base = c * lkp;
        FloatVector w0 = FloatVector.broadcast(S, w[c]), w1 = FloatVector.broadcast(S, w[width + c]);
        FloatVector w2 = FloatVector.broadcast(S, w[2 * width + c]), w3 = FloatVector.broadcast(S, w[3 * width + c]);
        for (int j = 0; j < nv; j += L) {
            FloatVector t = FloatVector.fromArray(S, x, j).fma(w0, FloatVector.fromArray(S, acc, base + j));
            t = FloatVector.fromArray(S, x, ldx + j).fma(w1, t);
            t = FloatVector.fromArray(S, x, 2 * ldx + j).fma(w2, t);
            FloatVector.fromArray(S, x, 3 * ldx + j).fma(w3, t).intoArray(acc, base + j);
        }
    }

    // ---------------------------------------------------------------- layout

    /**
     * dst[j·wp + c] = src[off + j·ld + c] for j < rows, c < cols, wp = cols padded to whole vectors;
     * zero in the padding columns and in rows ≤ j < lkp.
     */
    private static void padRows(MemorySegment src, long off, int ld, int rows, int cols, float[] dst, int lkp) {
        int wp = padded(cols);
        for (int j = 0; j < rows; j++) {
            MemorySegment.copy(src, F, (off + (long) j * ld) << 2, dst, j * wp, cols);
            Arrays.fill(dst, j * wp + cols, (j + 1) * wp, 0f);
        }
        Arrays.fill(dst, rows * wp, lkp * wp, 0f);
    }

    /**
     * dst[c·lkp + j] = rows[j·wp + c] for c < cols, j < lkp: the transpose of a {@link #padRows}
     * copy (wp = cols padded). Array to array: element-wise reads of a memory segment cost several
     * times more.
     */
    private static void transpose(float[] rows, int cols, float[] dst, int lkp) {
        int wp = padded(cols);
        for (int c = 0; c < cols; c++) {
            for (int j = 0, src = c; j < lkp; j++, src += wp) dst[c * lkp + j] = rows[src];
        }
    }

    /**
     * out[off + j·cols + c] = src[c·lkp + j] for j < keys, 0 for keys ≤ j < lk (keys no query sees),
     * through tmp (≥ keys·cols floats) and one bulk copy.
     */
    private static void untranspose(float[] src, int lkp, int lk, int keys, int cols, float[] tmp, MemorySegment out, long off) {
        for (int c = 0; c < cols; c++) {
            for (int j = 0, dst = c; j < keys; j++, dst += cols) tmp[dst] = src[c * lkp + j];
        }
        MemorySegment.copy(tmp, 0, out, F, off << 2, keys * cols);
        for (long i = off + (long) keys * cols; i < off + (long) lk * cols; i++) out.setAtIndex(F, i, 0f);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    /** n rounded up to a whole number of vectors. */
    private static int padded(int n) {
        return (n + L - 1) / L * L;
    }
}
