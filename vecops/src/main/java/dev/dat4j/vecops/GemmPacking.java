package dev.dat4j.vecops;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.dat4j.vecops.VectorGemm.MR;
import static dev.dat4j.vecops.VectorGemm.NR;
import static dev.dat4j.vecops.VectorGemm.VL;

/**
 * Copies blocks of A and B into the contiguous panel layouts the GEMM microkernel streams through
 * (GotoBLAS/BLIS packing). Packing is where transposes, leading dimensions and alpha are absorbed,
 * so one microkernel serves NN, NT, TN and TT. Edge panels are zero-padded to full MR/NR width.
 *
 * <pre>
 * packed B panel: (kc, NR)        element (l, j) at l·NR + j   (alpha applied; (kc, VL) if nr ≤ VL)
 * packed A block, A row-major:    element (i, l) at i·kc + l   (rows copied whole; MR rows = one panel)
 * packed A block, A transposed:   element (i, l) at l·mcp + i  (k-rows copied whole; mcp = mc padded to MR)
 * </pre>
 */
final class GemmPacking {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private GemmPacking() {}

    /**
     * Packs op(A)[i0:i0+mc, p0:p0+kc] into {@code dst}, padded with zero rows to a multiple of MR.
     * A: (m,k) with leading dimension lda, or (k,m) when transA; its element (0,0) is at aOff.
     * Either way packing is a run of contiguous copies (see the class comment for the layouts).
     */
    static void packA(MemorySegment a, long aOff, int lda, boolean transA,
                      int i0, int mc, int p0, int kc, float[] dst) {
        int mcp = paddedRows(mc);
        if (transA) {
            // A stored (k,m): the block is kc contiguous runs of mc values, one per k index.
            for (int l = 0; l < kc; l++) {
                MemorySegment.copy(a, F, (aOff + (long) (p0 + l) * lda + i0) << 2, dst, l * mcp, mc);
                for (int i = mc; i < mcp; i++) dst[l * mcp + i] = 0f;
            }
        } else {
            // A stored (m,k): each row of the block is one contiguous run of kc values.
            for (int i = 0; i < mc; i++) {
                MemorySegment.copy(a, F, (aOff + (long) (i0 + i) * lda + p0) << 2, dst, i * kc, kc);
            }
            Arrays.fill(dst, mc * kc, mcp * kc, 0f);
        }
    }

    /** Rows of a packed A block of mc rows: mc rounded up to a whole number of MR-row panels. */
    static int paddedRows(int mc) {
        return (mc + MR - 1) / MR * MR;
    }

    /**
     * Packs alpha·op(B)[p0:p0+kc, j0:j0+nr] (nr ≤ NR) into one panel at dst[dOff..]: (kc, NR), or
     * (kc, VL) when nr ≤ VL (a narrow panel, only ever the last one of a block).
     * B: (k,n) with leading dimension ldb, or (n,k) when transB; its element (0,0) is at bOff.
     */
    static void packB(MemorySegment b, long bOff, int ldb, boolean transB,
                      int p0, int kc, int j0, int nr, float alpha, float[] dst, int dOff) {
        int width = panelWidth(nr);
        if (!transB && nr == width) {
            // Full panel of a row-major B: each k index is one contiguous run of 1 or 2 vectors.
            for (int l = 0; l < kc; l++) {
                long src = (bOff + (long) (p0 + l) * ldb + j0) << 2;
                int d = dOff + l * width;
                FloatVector.fromMemorySegment(VectorBackend.SPECIES, b, src, NATIVE).mul(alpha).intoArray(dst, d);
                if (width == NR) {
                    FloatVector.fromMemorySegment(VectorBackend.SPECIES, b, src + (VL << 2), NATIVE).mul(alpha)
                            .intoArray(dst, d + VL);
                }
            }
            return;
        }
        if (transB) {
            // B stored (n,k): column j of op(B) is contiguous along k; write it with stride width.
            for (int j = 0; j < nr; j++) {
                long src = bOff + (long) (j0 + j) * ldb + p0;
                for (int l = 0; l < kc; l++) dst[dOff + l * width + j] = alpha * b.getAtIndex(F, src + l);
            }
        } else {
            for (int l = 0; l < kc; l++) {
                long src = bOff + (long) (p0 + l) * ldb + j0;
                int d = dOff + l * width;
                for (int j = 0; j < nr; j++) dst[d + j] = alpha * b.getAtIndex(F, src + j);
            }
        }
        for (int l = 0; l < kc; l++) {
            for (int j = nr; j < width; j++) dst[dOff + l * width + j] = 0f;
        }
    }

    /** Floats per k index of a packed B panel holding nr columns: one vector if they fit, else two. */
    static int panelWidth(int nr) {
        return nr <= VL ? VL : NR;
    }
}
