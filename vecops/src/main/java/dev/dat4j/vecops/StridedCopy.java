package dev.dat4j.vecops;

/**
 * A copy into a strided view, for backends that offer it (the CPU ones): what lets
 * {@code cat} along the last dimension write each piece into its columns of a row-major result,
 * where {@link Backend#copyStrided} (dense output only) had to build the result with the cat
 * dimension in front and leave a transposed layout that its consumers copied once more.
 */
public interface StridedCopy {
    /**
     * out[Σ_d i_d·outStrides[d]] = src[Σ_d i_d·srcStrides[d]] for every index i of {@code shape}
     * (offsets from the start of each buffer; outStrides must not map two indices to one element).
     */
    void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out, long[] outStrides);
}
