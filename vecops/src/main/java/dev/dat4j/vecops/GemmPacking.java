package dev.dat4j.vecops;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.dat4j.vecops.VectorGemm.MR;
import static dev.dat4j.vecops.VectorGemm.NR;
import static dev.dat4j.vecops.VectorGemm.VL;

/**
 * Copies blocks of A and B into the contiguous panel layouts the GEMM microkernel streams through
 * (GotoBLAS/BLIS packing). Packing is where transposes, leading dimensions and alpha are absorbed,
 * so one microkernel serves NN, NT, TN and TT. Edge panels are zero-padded to full MR/NR width.
 *
 * <pre>
 * packed A block: (mc/MR panels, kc, MR)  element (i, l) of the block at (i/MR)·MR·kc + l·MR + i%MR
 * packed B panel: (kc, NR)                element (l, j) of the panel at l·NR + j
 * </pre>
 */
final class GemmPacking {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private GemmPacking() {}

    /**
     * Packs alpha·op(A)[i0:i0+mc, p0:p0+kc] into {@code dst} as MR-row panels.
     * A: (m,k) with leading dimension lda, or (k,m) when transA; its element (0,0) is at aOff.
     */
    static void packA(MemorySegment a, long aOff, int lda, boolean transA,
                      int i0, int mc, int p0, int kc, float alpha, float[] dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc; // panel ir/MR starts at (ir/MR)·MR·kc
            if (transA) {
                // A stored (k,m): the MR values of one k index are contiguous.
                for (int l = 0; l < kc; l++) {
                    long src = aOff + (long) (p0 + l) * lda + i0 + ir;
                    int d = base + l * MR;
                    for (int r = 0; r < mr; r++) dst[d + r] = alpha * a.getAtIndex(F, src + r);
                }
            } else {
                // A stored (m,k): each row is contiguous along k; write it with stride MR.
                for (int r = 0; r < mr; r++) {
                    long src = aOff + (long) (i0 + ir + r) * lda + p0;
                    for (int l = 0; l < kc; l++) dst[base + l * MR + r] = alpha * a.getAtIndex(F, src + l);
                }
            }
            if (mr < MR) {
                for (int l = 0; l < kc; l++) {
                    for (int r = mr; r < MR; r++) dst[base + l * MR + r] = 0f;
                }
            }
        }
    }

    /**
     * Packs op(B)[p0:p0+kc, j0:j0+nr] (nr ≤ NR) into one (kc, NR) panel at dst[dOff..].
     * B: (k,n) with leading dimension ldb, or (n,k) when transB; its element (0,0) is at bOff.
     */
    static void packB(MemorySegment b, long bOff, int ldb, boolean transB,
                      int p0, int kc, int j0, int nr, float[] dst, int dOff) {
        if (!transB && nr == NR) {
            // Full panel of a row-major B: each k index is one contiguous run of NR floats.
            for (int l = 0; l < kc; l++) {
                long src = (bOff + (long) (p0 + l) * ldb + j0) << 2;
                int d = dOff + l * NR;
                FloatVector.fromMemorySegment(VectorBackend.SPECIES, b, src, NATIVE).intoArray(dst, d);
                FloatVector.fromMemorySegment(VectorBackend.SPECIES, b, src + (VL << 2), NATIVE).intoArray(dst, d + VL);
            }
            return;
        }
        if (transB) {
            // B stored (n,k): column j of op(B) is contiguous along k; write it with stride NR.
            for (int j = 0; j < nr; j++) {
                long src = bOff + (long) (j0 + j) * ldb + p0;
                for (int l = 0; l < kc; l++) dst[dOff + l * NR + j] = b.getAtIndex(F, src + l);
            }
        } else {
            for (int l = 0; l < kc; l++) {
                long src = bOff + (long) (p0 + l) * ldb + j0;
                int d = dOff + l * NR;
                for (int j = 0; j < nr; j++) dst[d + j] = b.getAtIndex(F, src + j);
            }
        }
        if (nr < NR) {
            for (int l = 0; l < kc; l++) {
                for (int j = nr; j < NR; j++) dst[dOff + l * NR + j] = 0f;
            }
        }
    }
}
