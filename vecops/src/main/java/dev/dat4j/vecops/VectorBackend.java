package dev.dat4j.vecops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast CPU backend: Vector API kernels at the JVM's preferred species, spread over the
 * {@link WorkerPool}. Each op family lives in its own file ({@code VectorGemm}, ...); ops not yet
 * vectorised delegate to the scalar reference.
 */
public final class VectorBackend extends CpuBackend {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private final ScalarBackend reference = new ScalarBackend();

    @Override
    public String name() {
        return "cpu-vector(" + SPECIES.vectorBitSize() + "-bit)";
    }

    /** Vector width in bits of the species these kernels use. */
    public static int vectorBits() {
        return SPECIES.vectorBitSize();
    }

    @Override
    public void fill(Buffer x, long n, float value) {
        reference.fill(x, n, value);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, int lda, Buffer b, int ldb, float beta, Buffer c, int ldc) {
        VectorGemm.gemm(WorkerPool.global(), transA, transB, m, n, k, alpha, CpuBuffer.seg(a), lda, CpuBuffer.seg(b), ldb, beta, CpuBuffer.seg(c), ldc);
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, int lda, long strideA, Buffer b, int ldb, long strideB, float beta, Buffer c, int ldc, long strideC, int batch) {
        VectorGemm.gemmBatched(WorkerPool.global(), transA, transB, m, n, k, alpha, CpuBuffer.seg(a), lda, strideA,
                CpuBuffer.seg(b), ldb, strideB, beta, CpuBuffer.seg(c), ldc, strideC, batch);
    }

    @Override
    public void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out) {
        reference.copyStrided(shape, src, srcStrides, out);
    }

    @Override
    public void binary(BinaryOp op, int[] shape, Buffer a, long[] aStrides, Buffer b, long[] bStrides, Buffer out) {
        reference.binary(op, shape, a, aStrides, b, bStrides, out);
    }

    @Override
    public void unary(UnaryOp op, long n, Buffer x, Buffer y) {
        reference.unary(op, n, x, y);
    }

    @Override
    public void unaryBackward(UnaryOp op, long n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        reference.unaryBackward(op, n, x, y, dy, dx);
    }

    @Override
    public void affine(long n, Buffer x, float alpha, float beta, Buffer y) {
        reference.affine(n, x, alpha, beta, y);
    }

    @Override
    public void pow(long n, Buffer x, float p, Buffer y) {
        reference.pow(n, x, p, y);
    }

    @Override
    public void axpy(long n, float alpha, Buffer x, Buffer y) {
        reference.axpy(n, alpha, x, y);
    }

    @Override
    public void where(long n, Buffer cond, Buffer a, Buffer b, Buffer out) {
        reference.where(n, cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, int outer, int n, int inner, Buffer x, Buffer y) {
        reference.reduce(op, outer, n, inner, x, y);
    }

    @Override
    public void argmax(int outer, int n, int inner, Buffer x, Buffer idx) {
        reference.argmax(outer, n, inner, x, idx);
    }

    @Override
    public double sumOfSquares(long n, Buffer x) {
        return reference.sumOfSquares(n, x);
    }

    @Override
    public void softmax(int rows, int cols, Buffer x, float scale, int causalRows, Buffer y) {
        reference.softmax(rows, cols, x, scale, causalRows, y);
    }

    @Override
    public void softmaxBackward(int rows, int cols, Buffer y, Buffer dy, float scale, Buffer dx) {
        reference.softmaxBackward(rows, cols, y, dy, scale, dx);
    }

    @Override
    public void logSoftmax(int rows, int cols, Buffer x, Buffer y) {
        reference.logSoftmax(rows, cols, x, y);
    }

    @Override
    public void logSoftmaxBackward(int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        reference.logSoftmaxBackward(rows, cols, y, dy, dx);
    }

    @Override
    public void crossEntropy(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer losses) {
        reference.crossEntropy(rows, vocab, logits, targets, ignoreIndex, losses);
    }

    @Override
    public void crossEntropyBackward(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer dlosses, Buffer dlogits) {
        reference.crossEntropyBackward(rows, vocab, logits, targets, ignoreIndex, dlosses, dlogits);
    }

    @Override
    public void layerNorm(int rows, int cols, Buffer x, Buffer gamma, Buffer beta, float eps, Buffer y, Buffer mean, Buffer rstd) {
        reference.layerNorm(rows, cols, x, gamma, beta, eps, y, mean, rstd);
    }

    @Override
    public void layerNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
        reference.layerNormBackward(rows, cols, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    }

    @Override
    public void rmsNorm(int rows, int cols, Buffer x, Buffer gamma, float eps, Buffer y, Buffer rstd) {
        reference.rmsNorm(rows, cols, x, gamma, eps, y, rstd);
    }

    @Override
    public void rmsNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer rstd, Buffer dy, Buffer dx, Buffer dgamma) {
        reference.rmsNormBackward(rows, cols, x, gamma, rstd, dy, dx, dgamma);
    }

    @Override
    public void embedding(int n, int dim, int vocab, Buffer table, Buffer ids, Buffer out) {
        reference.embedding(n, dim, vocab, table, ids, out);
    }

    @Override
    public void embeddingBackward(int n, int dim, int vocab, Buffer ids, Buffer dout, Buffer dtable) {
        reference.embeddingBackward(n, dim, vocab, ids, dout, dtable);
    }

    @Override
    public void gather(int outer, int n, int k, Buffer x, Buffer idx, Buffer y) {
        reference.gather(outer, n, k, x, idx, y);
    }

    @Override
    public void gatherBackward(int outer, int n, int k, Buffer idx, Buffer dy, Buffer dx) {
        reference.gatherBackward(outer, n, k, idx, dy, dx);
    }

    @Override
    public void rope(int batch, int seq, int heads, int dim, Buffer x, Buffer cos, Buffer sin, boolean inverse, Buffer y) {
        reference.rope(batch, seq, heads, dim, x, cos, sin, inverse, y);
    }

    @Override
    public void dropout(long n, Buffer x, float p, long seed, Buffer y) {
        reference.dropout(n, x, p, seed, y);
    }

    @Override
    public void adamStep(long n, Buffer param, Buffer grad, Buffer m, Buffer v, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step) {
        reference.adamStep(n, param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    @Override
    public void sgdStep(long n, Buffer param, Buffer grad, Buffer momentumBuf, float lr, float momentum, float weightDecay, boolean firstStep) {
        reference.sgdStep(n, param, grad, momentumBuf, lr, momentum, weightDecay, firstStep);
    }
}
