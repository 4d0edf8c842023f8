package dev.dat4j.vecops;

import org.junit.jupiter.api.Test;

import static dev.dat4j.vecops.KernelAssert.SCALAR;
import static dev.dat4j.vecops.KernelAssert.VECTOR;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The fused attention kernels: the scalar reference against GEMM, softmax, GEMM of the scalar
 * backend (an independent route), and the Vector API kernels against the scalar reference on odd
 * shapes, causal or not, with strided and broadcast operands.
 */
class AttentionKernelTest {
    /** {entries, lq, lk, d, dv}: tails on every axis, head dims around the vector width. */
    private static final int[][] SHAPES = {
            {1, 1, 1, 1, 1}, {3, 7, 7, 3, 5}, {2, 17, 33, 8, 8}, {2, 33, 33, 16, 16},
            {1, 5, 70, 4, 9}, {4, 64, 64, 8, 8}, {1, 130, 131, 17, 3}, {2, 1, 40, 8, 8}, {2, 19, 45, 8, 40},
            {1, 9, 20, 5, 37}, {1, 6, 11, 33, 70}};

    @Test
    void referenceForwardEqualsGemmSoftmaxGemm() {
        for (int[] sh : SHAPES) {
            for (boolean causal : new boolean[] {false, true}) {
                int e = sh[0], lq = sh[1], lk = sh[2], d = sh[3], dv = sh[4];
                try (KernelAssert k = new KernelAssert(name("reference", sh, causal))) {
                    Problem p = Problem.dense(k, e, lq, lk, d, dv, 0.35f, causal);
                    CpuBuffer o = k.zeros((long) e * lq * dv), lse = k.zeros((long) e * lq);
                    SCALAR.attention(p.a, o, lse);

                    CpuBuffer s = k.zeros((long) lq * lk), pr = k.zeros((long) lq * lk), expected = k.zeros((long) e * lq * dv);
                    for (int i = 0; i < e; i++) {
                        SCALAR.gemm(false, true, lq, lk, d, 1f, p.q.slice(p.a.qOff()[i]), d, p.k.slice(p.a.kOff()[i]), d, 0f, s, lk);
                        SCALAR.softmax(lq, lk, s, 0.35f, causal ? lq : 0, pr);
                        SCALAR.gemm(false, false, lq, dv, lk, 1f, pr, lk, p.v.slice(p.a.vOff()[i]), dv, 0f,
                                expected.slice((long) i * lq * dv), dv);
                    }
                    k.assertClose("o", expected, o, 1e-5, 1e-6);
                }
            }
        }
    }

    @Test
    void vectorKernelsMatchReference() {
        for (int[] sh : SHAPES) {
            for (boolean causal : new boolean[] {false, true}) {
                try (KernelAssert k = new KernelAssert(name("vector", sh, causal))) {
                    check(k, Problem.dense(k, sh[0], sh[1], sh[2], sh[3], sh[4], 0.125f, causal));
                }
            }
        }
    }

    @Test
    void stridedAndBroadcastOperands() {
        // Heads as a permuted view (row stride = heads·d) and one K, V shared by every entry.
        int heads = 3, lq = 19, lk = 21, d = 8, dv = 8;
        try (KernelAssert k = new KernelAssert("attention strided/broadcast")) {
            CpuBuffer q = k.uniform((long) lq * heads * d + 5, -1, 1), kv = k.uniform((long) lk * d * 2, -1, 1);
            long[] qOff = new long[heads], kOff = new long[heads], vOff = new long[heads];
            for (int h = 0; h < heads; h++) {
                qOff[h] = 5 + (long) h * d;
                vOff[h] = d;              // V: the second half of each 2d-wide row of kv
            }
            for (boolean causal : new boolean[] {false, true}) {
                check(k, new Problem(new AttentionProblem(heads, lq, lk, d, dv, 0.3f, causal,
                        q, qOff, heads * d, kv, kOff, 2 * d, kv, vOff, 2 * d), q, kv, kv));
            }
        }
    }

    @Test
    void operandsOutsideTheirBufferAreRejected() {
        try (KernelAssert k = new KernelAssert("attention bounds")) {
            CpuBuffer small = k.zeros(10);
            assertThrows(IllegalArgumentException.class, () -> new AttentionProblem(1, 4, 4, 8, 8, 1f, false,
                    small, new long[] {0}, 8, small, new long[] {0}, 8, small, new long[] {0}, 8));
            assertThrows(IllegalArgumentException.class, () -> new AttentionProblem(1, 5, 4, 1, 1, 1f, true,
                    small, new long[] {0}, 1, small, new long[] {0}, 1, small, new long[] {0}, 1));
        }
    }

    private static void check(KernelAssert k, Problem p) {
        AttentionProblem a = p.a;
        int e = a.entries(), lq = a.lq(), lk = a.lk(), d = a.d(), dv = a.dv();
        CpuBuffer os = k.zeros((long) e * lq * dv), ls = k.zeros((long) e * lq);
        CpuBuffer ov = k.uniform((long) e * lq * dv, 5, 6), lv = k.uniform((long) e * lq, 5, 6);
        SCALAR.attention(a, os, ls);
        VECTOR.attention(a, ov, lv);
        k.assertClose("o", os, ov, 1e-5, 1e-6);
        k.assertClose("lse", ls, lv, 1e-5, 1e-6);

        CpuBuffer dO = k.uniform((long) e * lq * dv, -1, 1);
        CpuBuffer[] gs = {k.zeros((long) e * lq * d), k.zeros((long) e * lk * d), k.zeros((long) e * lk * dv)};
        CpuBuffer[] gv = {k.uniform((long) e * lq * d, 5, 6), k.uniform((long) e * lk * d, 5, 6), k.uniform((long) e * lk * dv, 5, 6)};
        SCALAR.attentionBackward(a, os, ls, dO, gs[0], gs[1], gs[2]);
        VECTOR.attentionBackward(a, os, ls, dO, gv[0], gv[1], gv[2]);
        k.assertClose("dq", gs[0], gv[0], 1e-4, 1e-5);
        k.assertClose("dk", gs[1], gv[1], 1e-4, 1e-5);
        k.assertClose("dv", gs[2], gv[2], 1e-4, 1e-5);
    }

    private static String name(String what, int[] sh, boolean causal) {
        return "attention " + what + " entries=" + sh[0] + " lq=" + sh[1] + " lk=" + sh[2] + " d=" + sh[3] + " dv=" + sh[4]
                + (causal ? " causal" : "");
    }

    /** An attention problem and the buffers behind it. */
    private record Problem(AttentionProblem a, CpuBuffer q, CpuBuffer k, CpuBuffer v) {
        /** Dense (entries, L, d) operands, uniform in [−1, 1). */
        static Problem dense(KernelAssert k, int e, int lq, int lk, int d, int dv, float scale, boolean causal) {
            CpuBuffer q = k.uniform((long) e * lq * d, -1, 1), kk = k.uniform((long) e * lk * d, -1, 1);
            CpuBuffer v = k.uniform((long) e * lk * dv, -1, 1);
            long[] qOff = new long[e], kOff = new long[e], vOff = new long[e];
            for (int i = 0; i < e; i++) {
                qOff[i] = (long) i * lq * d;
                kOff[i] = (long) i * lk * d;
                vOff[i] = (long) i * lk * dv;
            }
            return new Problem(new AttentionProblem(e, lq, lk, d, dv, scale, causal, q, qOff, d, kk, kOff, d, v, vOff, dv), q, kk, v);
        }
    }
}
