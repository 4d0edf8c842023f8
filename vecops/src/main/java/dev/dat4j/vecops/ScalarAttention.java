package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.dat4j.vecops.CpuBuffer.seg;

/**
 * The reference {@link FusedAttention}: the formulas of its class comment, element by element,
 * one entry and one query row at a time, in float like the other scalar kernels (exp in double,
 * rounded once). The oracle {@link VectorAttention} is tested against.
 */
final class ScalarAttention {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private ScalarAttention() {}

    static void forward(AttentionProblem a, Buffer o, Buffer lse) {
        MemorySegment so = seg(o), sl = seg(lse);
        float[] s = new float[a.lk()];
        for (int e = 0; e < a.entries(); e++) {
            for (int i = 0; i < a.lq(); i++) {
                long row = (long) e * a.lq() + i;
                int n = a.visible(i);
                float lse_i = scores(a, e, i, n, s);
                sl.setAtIndex(F, row, lse_i);
                for (int c = 0; c < a.dv(); c++) {
                    float acc = 0f;
                    for (int j = 0; j < n; j++) acc += probability(s[j], lse_i) * get(a.v(), a.vOff()[e] + (long) j * a.ldv() + c);
                    so.setAtIndex(F, row * a.dv() + c, acc);
                }
            }
        }
    }

    static void backward(AttentionProblem a, Buffer o, Buffer lse, Buffer dO, Buffer dq, Buffer dk, Buffer dv) {
        MemorySegment so = seg(o), sl = seg(lse), sdo = seg(dO), sdq = seg(dq), sdk = seg(dk), sdv = seg(dv);
        sdk.fill((byte) 0);
        sdv.fill((byte) 0);
        float[] s = new float[a.lk()];
        for (int e = 0; e < a.entries(); e++) {
            long qe = a.qOff()[e], ke = a.kOff()[e], ve = a.vOff()[e];
            for (int i = 0; i < a.lq(); i++) {
                long row = (long) e * a.lq() + i;
                int n = a.visible(i);
                scores(a, e, i, n, s);
                float lse_i = sl.getAtIndex(F, row);
                float[] dp = new float[n];
                float dot = 0f; // D_i = dO_i·O_i
                for (int c = 0; c < a.dv(); c++) dot += sdo.getAtIndex(F, row * a.dv() + c) * so.getAtIndex(F, row * a.dv() + c);
                for (int j = 0; j < n; j++) {
                    for (int c = 0; c < a.dv(); c++) dp[j] += sdo.getAtIndex(F, row * a.dv() + c) * get(a.v(), ve + (long) j * a.ldv() + c);
                }
                for (int c = 0; c < a.d(); c++) sdq.setAtIndex(F, row * a.d() + c, 0f);
                for (int j = 0; j < n; j++) {
                    float p = probability(s[j], lse_i);
                    for (int c = 0; c < a.dv(); c++) add(sdv, ((long) e * a.lk() + j) * a.dv() + c, p * sdo.getAtIndex(F, row * a.dv() + c));
                    float ds = a.scale() * p * (dp[j] - dot);
                    for (int c = 0; c < a.d(); c++) {
                        add(sdq, row * a.d() + c, ds * get(a.k(), ke + (long) j * a.ldk() + c));
                        add(sdk, ((long) e * a.lk() + j) * a.d() + c, ds * get(a.q(), qe + (long) i * a.ldq() + c));
                    }
                }
            }
        }
    }

    /** s[j] = scale·(Q_i·K_j) for j < n; returns lse_i (−∞ when n == 0). */
    private static float scores(AttentionProblem a, int e, int i, int n, float[] s) {
        long qi = a.qOff()[e] + (long) i * a.ldq();
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            long kj = a.kOff()[e] + (long) j * a.ldk();
            float dot = 0f;
            for (int c = 0; c < a.d(); c++) dot += get(a.q(), qi + c) * get(a.k(), kj + c);
            s[j] = a.scale() * dot;
            max = Math.max(max, s[j]);
        }
        if (n == 0) return Float.NEGATIVE_INFINITY;
        float sum = 0f;
        for (int j = 0; j < n; j++) sum += (float) Math.exp(s[j] - max);
        return max + (float) Math.log(sum);
    }

    private static float probability(float s, float lse) {
        return (float) Math.exp(s - lse);
    }

    private static float get(Buffer b, long i) {
        return seg(b).getAtIndex(F, i);
    }

    private static void add(MemorySegment s, long i, float v) {
        s.setAtIndex(F, i, s.getAtIndex(F, i) + v);
    }
}
