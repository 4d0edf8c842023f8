package dev.dat4j.vecops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.dat4j.vecops.VectorGemm.MR;
import static dev.dat4j.vecops.VectorGemm.NR;
import static dev.dat4j.vecops.VectorGemm.VL;

/**
 * The compute core of {@link VectorGemm}: the macro-kernel walks a packed A block against packed B
 * panels; the microkernel computes one MR×NR tile of C as MR·2 vector accumulators held in locals.
 *
 * <p>Every {@link FloatVector} lives and dies inside one microkernel method: passing vectors to a
 * helper that C2 fails to inline boxes them and costs ~7× (engineering notes §0.4). Edge tiles
 * (fewer than MR rows or NR columns of C) are computed by the same microkernel into a small heap
 * tile and merged into C by scalar code.
 */
final class GemmKernel {
    private static final VectorSpecies<Float> S = VectorBackend.SPECIES;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final long VB = VL * 4L; // bytes per vector

    private GemmKernel() {}

    /**
     * C[0:mc, 0:nc] = packedA·packedB + beta·C (beta == 0: C is not read).
     * ap: packed A block of mc rows and kc columns, row-major when aRows, else column-major
     * with columns mc padded to MR apart (see GemmPacking);
     * bp[bOff..]: nc/NR packed (kc, NR) panels, one after the other;
     * C's element (0,0) is at element offset cOff of c, rows ldc apart; tile: MR·NR scratch floats.
     */
    static void macroKernel(float[] ap, boolean aRows, int mc, int kc, float[] bp, int bOff, int nc,
                            MemorySegment c, long cOff, int ldc, float beta, float[] tile) {
        int aStep = aRows ? 0 : GemmPacking.paddedRows(mc);
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = bOff + jr * kc; // panel jr/NR starts at (jr/NR)·kc·NR
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                long co = cOff + (long) ir * ldc + jr;
                // A panel: rows ir.. of the block; element (r, l) at ao + r·kc + l or ao + l·aStep + r.
                int ao = aRows ? ir * kc : ir;
                if (nr <= VL) {
                    // A narrow last panel (e.g. n = 16 at 512 bits): one vector per row.
                    if (mr == MR && nr == VL) {
                        microKernelNarrow(kc, ap, ao, aStep, bp, bo, c, co, ldc, beta, null);
                    } else {
                        microKernelNarrow(kc, ap, ao, aStep, bp, bo, null, 0, 0, 0f, tile);
                        mergeTile(tile, mr, nr, c, co, ldc, beta);
                    }
                } else if (mr == MR && nr == NR) {
                    microKernel(kc, ap, ao, aStep, bp, bo, c, co, ldc, beta, null);
                } else {
                    microKernel(kc, ap, ao, aStep, bp, bo, null, 0, 0, 0f, tile);
                    mergeTile(tile, mr, nr, c, co, ldc, beta);
                }
            }
        }
    }

    /**
     * One MR×NR tile: acc = Σ_l A[:, l] ⊗ B[l, :] over kc steps (6 broadcasts of A, 2 vector loads of
     * B and 12 FMAs per step). Then either C = acc + beta·C (tile == null; beta == 0 skips reading C)
     * or tile = acc (row-major, NR floats per row) for the caller to merge.
     * A panel element (r, l) at ap[ao + r·kc + l] when aStep == 0, else at ap[ao + l·aStep + r];
     * bp[bo..]: one packed B panel (kc, NR).
     */
    static void microKernel(int kc, float[] ap, int ao, int aStep, float[] bp, int bo,
                            MemorySegment c, long co, int ldc, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        if (aStep == 0) {
            // Row r of the panel starts at ao + r·kc: six streams advancing together.
            int a1 = ao + kc, a2 = a1 + kc, a3 = a2 + kc, a4 = a3 + kc, a5 = a4 + kc;
            for (int l = 0; l < kc; l++, bo += NR) {
                FloatVector b0 = FloatVector.fromArray(S, bp, bo);
                FloatVector b1 = FloatVector.fromArray(S, bp, bo + VL);
                FloatVector a = FloatVector.broadcast(S, ap[ao + l]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                a = FloatVector.broadcast(S, ap[a1 + l]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                a = FloatVector.broadcast(S, ap[a2 + l]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                a = FloatVector.broadcast(S, ap[a3 + l]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                a = FloatVector.broadcast(S, ap[a4 + l]);
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                a = FloatVector.broadcast(S, ap[a5 + l]);
                c50 = a.fma(b0, c50);
                c51 = a.fma(b1, c51);
            }
        } else {
            // The MR values of step l are contiguous at ao + l·aStep.
            for (int l = 0; l < kc; l++, ao += aStep, bo += NR) {
                FloatVector b0 = FloatVector.fromArray(S, bp, bo);
                FloatVector b1 = FloatVector.fromArray(S, bp, bo + VL);
                FloatVector a = FloatVector.broadcast(S, ap[ao]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                a = FloatVector.broadcast(S, ap[ao + 1]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                a = FloatVector.broadcast(S, ap[ao + 2]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                a = FloatVector.broadcast(S, ap[ao + 3]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                a = FloatVector.broadcast(S, ap[ao + 4]);
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                a = FloatVector.broadcast(S, ap[ao + 5]);
                c50 = a.fma(b0, c50);
                c51 = a.fma(b1, c51);
            }
        }
        if (tile != null) {
            c00.intoArray(tile, 0);
            c01.intoArray(tile, VL);
            c10.intoArray(tile, NR);
            c11.intoArray(tile, NR + VL);
            c20.intoArray(tile, 2 * NR);
            c21.intoArray(tile, 2 * NR + VL);
            c30.intoArray(tile, 3 * NR);
            c31.intoArray(tile, 3 * NR + VL);
            c40.intoArray(tile, 4 * NR);
            c41.intoArray(tile, 4 * NR + VL);
            c50.intoArray(tile, 5 * NR);
            c51.intoArray(tile, 5 * NR + VL);
            return;
        }
        long r0 = co << 2, r1 = r0 + ((long) ldc << 2), r2 = r1 + ((long) ldc << 2);
        long r3 = r2 + ((long) ldc << 2), r4 = r3 + ((long) ldc << 2), r5 = r4 + ((long) ldc << 2);
        if (beta != 0f) {
            // C = acc + beta·C as one FMA per vector (beta == 1 gives an exact C + acc).
            FloatVector bv = FloatVector.broadcast(S, beta);
            c00 = FloatVector.fromMemorySegment(S, c, r0, NATIVE).fma(bv, c00);
            c01 = FloatVector.fromMemorySegment(S, c, r0 + VB, NATIVE).fma(bv, c01);
            c10 = FloatVector.fromMemorySegment(S, c, r1, NATIVE).fma(bv, c10);
            c11 = FloatVector.fromMemorySegment(S, c, r1 + VB, NATIVE).fma(bv, c11);
            c20 = FloatVector.fromMemorySegment(S, c, r2, NATIVE).fma(bv, c20);
            c21 = FloatVector.fromMemorySegment(S, c, r2 + VB, NATIVE).fma(bv, c21);
            c30 = FloatVector.fromMemorySegment(S, c, r3, NATIVE).fma(bv, c30);
            c31 = FloatVector.fromMemorySegment(S, c, r3 + VB, NATIVE).fma(bv, c31);
            c40 = FloatVector.fromMemorySegment(S, c, r4, NATIVE).fma(bv, c40);
            c41 = FloatVector.fromMemorySegment(S, c, r4 + VB, NATIVE).fma(bv, c41);
            c50 = FloatVector.fromMemorySegment(S, c, r5, NATIVE).fma(bv, c50);
            c51 = FloatVector.fromMemorySegment(S, c, r5 + VB, NATIVE).fma(bv, c51);
        }
        c00.intoMemorySegment(c, r0, NATIVE);
        c01.intoMemorySegment(c, r0 + VB, NATIVE);
        c10.intoMemorySegment(c, r1, NATIVE);
        c11.intoMemorySegment(c, r1 + VB, NATIVE);
        c20.intoMemorySegment(c, r2, NATIVE);
        c21.intoMemorySegment(c, r2 + VB, NATIVE);
        c30.intoMemorySegment(c, r3, NATIVE);
        c31.intoMemorySegment(c, r3 + VB, NATIVE);
        c40.intoMemorySegment(c, r4, NATIVE);
        c41.intoMemorySegment(c, r4 + VB, NATIVE);
        c50.intoMemorySegment(c, r5, NATIVE);
        c51.intoMemorySegment(c, r5 + VB, NATIVE);
    }

    /**
     * {@link #microKernel} for a narrow panel of at most VL columns, packed (kc, VL): MR accumulators,
     * one FMA per broadcast. Same contract otherwise; the tile keeps NR floats per row.
     */
    static void microKernelNarrow(int kc, float[] ap, int ao, int aStep, float[] bp, int bo,
                                  MemorySegment c, long co, int ldc, float beta, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
        if (aStep == 0) {
            int a1 = ao + kc, a2 = a1 + kc, a3 = a2 + kc, a4 = a3 + kc, a5 = a4 + kc;
            for (int l = 0; l < kc; l++, bo += VL) {
                FloatVector b0 = FloatVector.fromArray(S, bp, bo);
                c0 = FloatVector.broadcast(S, ap[ao + l]).fma(b0, c0);
                c1 = FloatVector.broadcast(S, ap[a1 + l]).fma(b0, c1);
                c2 = FloatVector.broadcast(S, ap[a2 + l]).fma(b0, c2);
                c3 = FloatVector.broadcast(S, ap[a3 + l]).fma(b0, c3);
                c4 = FloatVector.broadcast(S, ap[a4 + l]).fma(b0, c4);
                c5 = FloatVector.broadcast(S, ap[a5 + l]).fma(b0, c5);
            }
        } else {
            for (int l = 0; l < kc; l++, ao += aStep, bo += VL) {
                FloatVector b0 = FloatVector.fromArray(S, bp, bo);
                c0 = FloatVector.broadcast(S, ap[ao]).fma(b0, c0);
                c1 = FloatVector.broadcast(S, ap[ao + 1]).fma(b0, c1);
                c2 = FloatVector.broadcast(S, ap[ao + 2]).fma(b0, c2);
                c3 = FloatVector.broadcast(S, ap[ao + 3]).fma(b0, c3);
                c4 = FloatVector.broadcast(S, ap[ao + 4]).fma(b0, c4);
                c5 = FloatVector.broadcast(S, ap[ao + 5]).fma(b0, c5);
            }
        }
        if (tile != null) {
            c0.intoArray(tile, 0);
            c1.intoArray(tile, NR);
            c2.intoArray(tile, 2 * NR);
            c3.intoArray(tile, 3 * NR);
            c4.intoArray(tile, 4 * NR);
            c5.intoArray(tile, 5 * NR);
            return;
        }
        long r0 = co << 2, r1 = r0 + ((long) ldc << 2), r2 = r1 + ((long) ldc << 2);
        long r3 = r2 + ((long) ldc << 2), r4 = r3 + ((long) ldc << 2), r5 = r4 + ((long) ldc << 2);
        if (beta != 0f) {
            FloatVector bv = FloatVector.broadcast(S, beta);
            c0 = FloatVector.fromMemorySegment(S, c, r0, NATIVE).fma(bv, c0);
            c1 = FloatVector.fromMemorySegment(S, c, r1, NATIVE).fma(bv, c1);
            c2 = FloatVector.fromMemorySegment(S, c, r2, NATIVE).fma(bv, c2);
            c3 = FloatVector.fromMemorySegment(S, c, r3, NATIVE).fma(bv, c3);
            c4 = FloatVector.fromMemorySegment(S, c, r4, NATIVE).fma(bv, c4);
            c5 = FloatVector.fromMemorySegment(S, c, r5, NATIVE).fma(bv, c5);
        }
        c0.intoMemorySegment(c, r0, NATIVE);
        c1.intoMemorySegment(c, r1, NATIVE);
        c2.intoMemorySegment(c, r2, NATIVE);
        c3.intoMemorySegment(c, r3, NATIVE);
        c4.intoMemorySegment(c, r4, NATIVE);
        c5.intoMemorySegment(c, r5, NATIVE);
    }

    /** C[0:mr, 0:nr] = tile + beta·C, for an edge tile the microkernel left in {@code tile}. */
    private static void mergeTile(float[] tile, int mr, int nr, MemorySegment c, long co, int ldc, float beta) {
        for (int r = 0; r < mr; r++) {
            long row = co + (long) r * ldc;
            for (int j = 0; j < nr; j++) {
                float acc = tile[r * NR + j];
                c.setAtIndex(F, row + j, beta == 0f ? acc : Math.fma(beta, c.getAtIndex(F, row + j), acc));
            }
        }
    }
}
