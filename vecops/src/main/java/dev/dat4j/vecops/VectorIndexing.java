package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import static dev.dat4j.vecops.Simd.L;
import static dev.dat4j.vecops.Simd.ORDER;
import static dev.dat4j.vecops.Simd.S;
import static dev.dat4j.vecops.Simd.bound;
import static dev.dat4j.vecops.Simd.get;
import static dev.dat4j.vecops.Simd.getInt;
import static dev.dat4j.vecops.Simd.set;

/**
 * Data movement: strided copies (permutes, transposes, broadcasts), embedding lookup and
 * gather, with their scatter-add backwards. All results are bit-identical to the reference
 * (the backwards add each destination's contributions in the same order).
 */
final class VectorIndexing {
    /** Output rows per transpose task (a multiple of every vector length). */
    private static final int BAND = 64;
    /** Gather map reading column i of an L×L row-major tile: offsets 0, L, 2L, … */
    private static final int[] TILE_COLUMNS = IntStream.range(0, L).map(j -> j * L).toArray();

    private VectorIndexing() {}

    // ---------------------------------------------------------------- copyStrided

    /**
     * out (contiguous, {@code shape}) = src viewed with {@code strides}. After merging dimensions,
     * three cases: one contiguous block (bulk copy); a transpose of the two innermost dimensions
     * (in L×L tiles, so both sides move whole vectors); anything else row by row, where a row with
     * stride 1 (e.g. the D-long rows of a (B,T,H,D) → (B,H,T,D) permute) is one MemorySegment.copy
     * (vector loads and stores, masked at the end, for rows of up to 4 vectors).
     */
    static void copyStrided(int[] shape, MemorySegment src, long[] strides, MemorySegment out) {
        StridedLayout layout = StridedLayout.of(shape, strides);
        long n = layout.volume();
        if (n == 0) return;
        int rank = layout.rank();
        long inner = layout.inner(), stride = layout.innerStride(0);
        if (rank == 1 && stride == 1) {
            Parallel.forRange(n, (from, to) -> MemorySegment.copy(src, from << 2, out, from << 2, (to - from) << 2));
        } else if (rank >= 2 && stride != 1 && layout.strides[0][rank - 2] == 1) {
            transpose(layout, src, out);
        } else {
            Parallel.forRange(n, (from, to) -> {
                StridedLayout.Cursor cur = layout.new Cursor(from / inner);
                long col = from % inner;
                for (long i = from; i < to; ) {
                    long run = col == 0 ? Math.min((to - i) / inner, cur.runLeft()) : 0;
                    if (run > 1) { // whole rows along one dimension: offsets by addition, no cursor step per row
                        long rs = layout.strides[0][rank - 2];
                        for (long r = 0; r < run; r++) copyRow(src, cur.offset[0] + r * rs, stride, out, i + r * inner, inner);
                        i += run * inner;
                        cur.advance(run);
                        continue;
                    }
                    long len = Math.min(inner - col, to - i);
                    copyRow(src, cur.offset[0] + col * stride, stride, out, i, len);
                    i += len;
                    col = 0;
                    cur.next();
                }
            });
        }
    }

    /**
     * out viewed with outStrides = src viewed with srcStrides ({@link StridedCopy}): rows of the
     * merged layout, each a vector copy when both are contiguous along it (the pieces of a cat
     * along the last dimension), else element by element.
     */
    static void copyStrided(int[] shape, MemorySegment src, long[] srcStrides, MemorySegment out, long[] outStrides) {
        StridedLayout layout = StridedLayout.of(shape, srcStrides, outStrides);
        long n = layout.volume();
        if (n == 0) return;
        long inner = layout.inner(), ss = layout.innerStride(0), os = layout.innerStride(1);
        Parallel.forRange(n, (from, to) -> {
            StridedLayout.Cursor cur = layout.new Cursor(from / inner);
            long col = from % inner;
            for (long i = from; i < to; ) {
                long len = Math.min(inner - col, to - i), so = cur.offset[0] + col * ss, oo = cur.offset[1] + col * os;
                if (os == 1) copyRow(src, so, ss, out, oo, len);
                else for (long t = 0; t < len; t++) set(out, oo + t * os, get(src, so + t * ss));
                i += len;
                col = 0;
                cur.next();
            }
        });
    }

    /**
     * out[oo + i] = src[so + i·stride] for i in [0, len). Contiguous rows of up to 4 vectors (the
     * 8- or 16-wide head rows of a permute) are copied with vector loads and stores, the last one
     * masked: for 8-wide rows 0.8 ns per float against 1.1 with one MemorySegment.copy per row.
     */
    private static void copyRow(MemorySegment src, long so, long stride, MemorySegment out, long oo, long len) {
        if (stride == 1 && len <= 4L * L) {
            long i = 0;
            for (; i + L <= len; i += L) FloatVector.fromMemorySegment(S, src, (so + i) << 2, ORDER).intoMemorySegment(out, (oo + i) << 2, ORDER);
            if (i < len) {
                VectorMask<Float> m = S.indexInRange(0, (int) (len - i));
                FloatVector.fromMemorySegment(S, src, (so + i) << 2, ORDER, m).intoMemorySegment(out, (oo + i) << 2, ORDER, m);
            }
        } else if (stride == 1) {
            MemorySegment.copy(src, so << 2, out, oo << 2, len << 2);
        } else {
            for (long i = 0; i < len; i++) set(out, oo + i, get(src, so + i * stride));
        }
    }

    /**
     * Batched transpose: the innermost two merged dims (R, C) have source strides (1, s), so
     * out[b, i, j] = src[off(b) + i + j·s]. A task owns a band of {@link #BAND} output rows and
     * walks its columns in L×L tiles: L vector loads of source columns (contiguous along i) into
     * a small array, then L gathers from that L1-resident array give the output rows. Per step
     * the band touches L source rows and BAND output rows, so caches and TLB stay warm; edges
     * are copied element-wise.
     */
    private static void transpose(StridedLayout layout, MemorySegment src, MemorySegment out) {
        int rank = layout.rank();
        long rows = layout.dims[rank - 2], cols = layout.dims[rank - 1], s = layout.strides[0][rank - 1];
        long batch = layout.volume() / (rows * cols);
        long bands = Parallel.ceilDiv(rows, BAND);
        Parallel.forRows(Math.toIntExact(batch * bands), BAND * cols, (u0, u1) -> {
            float[] tile = new float[L * L];
            for (int u = u0; u < u1; u++) {
                long b = u / bands, r0 = (u % bands) * BAND, r1 = Math.min(rows, r0 + BAND);
                long so = batchOffset(layout, b), oo = b * rows * cols;
                long fullRows = r0 + (r1 - r0) / L * L, j0 = 0;
                for (; j0 + L <= cols; j0 += L) {
                    for (long i0 = r0; i0 < fullRows; i0 += L) {
                        for (int j = 0; j < L; j++) {
                            FloatVector.fromMemorySegment(S, src, (so + i0 + (j0 + j) * s) << 2, ORDER).intoArray(tile, j * L);
                        }
                        for (int i = 0; i < L; i++) {
                            FloatVector.fromArray(S, tile, i, TILE_COLUMNS, 0).intoMemorySegment(out, (oo + (i0 + i) * cols + j0) << 2, ORDER);
                        }
                    }
                }
                for (long i = r0; i < r1; i++) { // the element-wise edges: right columns, bottom rows
                    for (long j = i < fullRows ? j0 : 0; j < cols; j++) set(out, oo + i * cols + j, get(src, so + i + j * s));
                }
            }
        });
    }

    /** Source offset of batch entry b over the dims before the innermost two. */
    private static long batchOffset(StridedLayout layout, long b) {
        long off = 0;
        for (int d = layout.rank() - 3; d >= 0; d--) {
            off += (b % layout.dims[d]) * layout.strides[0][d];
            b /= layout.dims[d];
        }
        return off;
    }

    // ---------------------------------------------------------------- embedding

    /** out[i,:] = table[ids[i],:]; ids are checked before anything is written. */
    static void embedding(int n, int dim, int vocab, MemorySegment table, MemorySegment ids, MemorySegment out) {
        for (int i = 0; i < n; i++) CpuBackend.checkIndex(getInt(ids, i), vocab, "token id", i);
        long bytes = (long) dim << 2;
        Parallel.forRows(n, dim, (i0, i1) -> {
            for (int i = i0; i < i1; i++) MemorySegment.copy(table, getInt(ids, i) * bytes, out, i * bytes, bytes);
        });
    }

    /**
     * dtable = 0, then dtable[ids[i],:] += dout[i,:]. Tasks own ranges of vocabulary rows and scan
     * all ids, so no two threads write one row and each row sums in the reference's order.
     */
    static void embeddingBackward(int n, int dim, int vocab, MemorySegment ids, MemorySegment dout, MemorySegment dtable) {
        for (int i = 0; i < n; i++) CpuBackend.checkIndex(getInt(ids, i), vocab, "token id", i);
        Parallel.forRows(vocab, dim + (long) n * dim / Math.max(1, vocab), (v0, v1) -> {
            VectorElementwise.fillRange(dtable, (long) v0 * dim, (long) v1 * dim, 0f);
            for (int i = 0; i < n; i++) {
                int row = getInt(ids, i);
                if (row >= v0 && row < v1) addRow(dout, (long) i * dim, dtable, (long) row * dim, dim);
            }
        });
    }

    /** dst[do..do+n) += src[so..so+n). */
    private static void addRow(MemorySegment src, long so, MemorySegment dst, long dOff, int n) {
        int j = 0;
        for (int end = (int) bound(n); j < end; j += L) FloatVector.fromMemorySegment(S, dst, (dOff + j) << 2, ORDER).add(FloatVector.fromMemorySegment(S, src, (so + j) << 2, ORDER)).intoMemorySegment(dst, (dOff + j) << 2, ORDER);
        for (; j < n; j++) set(dst, dOff + j, get(dst, dOff + j) + get(src, so + j));
    }

    // ---------------------------------------------------------------- gather

    /** y[o,j] = x[o, idx[o,j]] (a scalar loop: there are no gathers from memory segments). */
    static void gather(int outer, int n, int k, MemorySegment x, MemorySegment idx, MemorySegment y) {
        checkGatherIndices(outer, n, k, idx);
        Parallel.forRows(outer, k, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                for (int j = 0; j < k; j++) {
                    long p = (long) o * k + j;
                    set(y, p, get(x, (long) o * n + getInt(idx, p)));
                }
            }
        });
    }

    /** dx = 0, then dx[o, idx[o,j]] += dy[o,j]; rows of dx are independent. */
    static void gatherBackward(int outer, int n, int k, MemorySegment idx, MemorySegment dy, MemorySegment dx) {
        checkGatherIndices(outer, n, k, idx);
        Parallel.forRows(outer, n + k, (o0, o1) -> {
            VectorElementwise.fillRange(dx, (long) o0 * n, (long) o1 * n, 0f);
            for (int o = o0; o < o1; o++) {
                for (int j = 0; j < k; j++) {
                    long p = (long) o * k + j, xi = (long) o * n + getInt(idx, p);
                    set(dx, xi, get(dx, xi) + get(dy, p));
                }
            }
        });
    }

    private static void checkGatherIndices(int outer, int n, int k, MemorySegment idx) {
        for (long p = 0, total = (long) outer * k; p < total; p++) CpuBackend.checkIndex(getInt(idx, p), n, "gather index", p);
    }
}
