package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.dat4j.vecops.CpuBuffer.seg;

/**
 * The fast CPU backend: Vector API kernels at the JVM's preferred species, spread over the
 * {@link WorkerPool}. Each op family lives in its own file ({@code VectorGemm}, ...); ops not yet
 * vectorised delegate to the scalar reference.
 */
public final class VectorBackend extends CpuBackend implements FusedAttention, StridedCopy {
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
        VectorElementwise.fill(seg(x), n, value);
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
        VectorIndexing.copyStrided(shape, seg(src), srcStrides, seg(out));
    }

    @Override
    public void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out, long[] outStrides) {
        VectorIndexing.copyStrided(shape, seg(src), srcStrides, seg(out), outStrides);
    }

    @Override
    public void binary(BinaryOp op, int[] shape, Buffer a, long[] aStrides, Buffer b, long[] bStrides, Buffer out) {
        VectorElementwise.binary(op, shape, seg(a), aStrides, seg(b), bStrides, seg(out));
    }

    @Override
    public void unary(UnaryOp op, long n, Buffer x, Buffer y) {
        VectorUnary.forward(op, n, seg(x), seg(y));
    }

    @Override
    public void unaryBackward(UnaryOp op, long n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        VectorUnary.backward(op, n, seg(x), seg(y), seg(dy), seg(dx));
    }

    @Override
    public void affine(long n, Buffer x, float alpha, float beta, Buffer y) {
        VectorElementwise.affine(n, seg(x), alpha, beta, seg(y));
    }

    @Override
    public void pow(long n, Buffer x, float p, Buffer y) {
        VectorElementwise.pow(n, seg(x), p, seg(y));
    }

    @Override
    public void axpy(long n, float alpha, Buffer x, Buffer y) {
        VectorElementwise.axpy(n, alpha, seg(x), seg(y));
    }

    @Override
    public void where(long n, Buffer cond, Buffer a, Buffer b, Buffer out) {
        VectorElementwise.where(n, seg(cond), seg(a), seg(b), seg(out));
    }

    @Override
    public void reduce(ReduceOp op, int outer, int n, int inner, Buffer x, Buffer y) {
        VectorReduce.reduce(op, outer, n, inner, seg(x), seg(y));
    }

    @Override
    public void argmax(int outer, int n, int inner, Buffer x, Buffer idx) {
        VectorReduce.argmax(outer, n, inner, seg(x), seg(idx));
    }

    @Override
    public double sumOfSquares(long n, Buffer x) {
        return VectorReduce.sumOfSquares(n, seg(x));
    }

    @Override
    public void softmax(int rows, int cols, Buffer x, float scale, int causalRows, Buffer y) {
        VectorSoftmax.softmax(rows, cols, seg(x), scale, causalRows, seg(y));
    }

    @Override
    public void softmaxBackward(int rows, int cols, Buffer y, Buffer dy, float scale, Buffer dx) {
        VectorSoftmax.softmaxBackward(rows, cols, seg(y), seg(dy), scale, seg(dx));
    }

    @Override
    public void logSoftmax(int rows, int cols, Buffer x, Buffer y) {
        VectorSoftmax.logSoftmax(rows, cols, seg(x), seg(y));
    }

    @Override
    public void logSoftmaxBackward(int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        VectorSoftmax.logSoftmaxBackward(rows, cols, seg(y), seg(dy), seg(dx));
    }

    @Override
    public void crossEntropy(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer losses) {
        VectorSoftmax.crossEntropy(rows, vocab, seg(logits), seg(targets), ignoreIndex, seg(losses));
    }

    @Override
    public void crossEntropyBackward(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer losses,
                                     Buffer dlosses, Buffer dlogits) {
        VectorSoftmax.crossEntropyBackward(rows, vocab, seg(logits), seg(targets), ignoreIndex, seg(losses), seg(dlosses), seg(dlogits));
    }

    @Override
    public void layerNorm(int rows, int cols, Buffer x, Buffer gamma, Buffer beta, float eps, Buffer y, Buffer mean, Buffer rstd) {
        VectorNorm.layerNorm(rows, cols, seg(x), opt(gamma), opt(beta), eps, seg(y), seg(mean), seg(rstd));
    }

    @Override
    public void layerNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer mean, Buffer rstd, Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
        VectorNorm.layerNormBackward(rows, cols, seg(x), opt(gamma), seg(mean), seg(rstd), seg(dy), seg(dx), opt(dgamma), opt(dbeta));
    }

    @Override
    public void rmsNorm(int rows, int cols, Buffer x, Buffer gamma, float eps, Buffer y, Buffer rstd) {
        VectorNorm.rmsNorm(rows, cols, seg(x), opt(gamma), eps, seg(y), seg(rstd));
    }

    @Override
    public void rmsNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer rstd, Buffer dy, Buffer dx, Buffer dgamma) {
        VectorNorm.rmsNormBackward(rows, cols, seg(x), opt(gamma), seg(rstd), seg(dy), seg(dx), opt(dgamma));
    }

    @Override
    public void embedding(int n, int dim, int vocab, Buffer table, Buffer ids, Buffer out) {
        VectorIndexing.embedding(n, dim, vocab, seg(table), seg(ids), seg(out));
    }

    @Override
    public void embeddingBackward(int n, int dim, int vocab, Buffer ids, Buffer dout, Buffer dtable) {
        VectorIndexing.embeddingBackward(n, dim, vocab, seg(ids), seg(dout), seg(dtable));
    }

    @Override
    public void gather(int outer, int n, int k, Buffer x, Buffer idx, Buffer y) {
        VectorIndexing.gather(outer, n, k, seg(x), seg(idx), seg(y));
    }

    @Override
    public void gatherBackward(int outer, int n, int k, Buffer idx, Buffer dy, Buffer dx) {
        VectorIndexing.gatherBackward(outer, n, k, seg(idx), seg(dy), seg(dx));
    }

    @Override
    public void rope(int batch, int seq, int heads, int dim, Buffer x, Buffer cos, Buffer sin, boolean inverse, Buffer y) {
        VectorRope.rope(batch, seq, heads, dim, seg(x), seg(cos), seg(sin), inverse, seg(y));
    }

    @Override
    public void dropout(long n, Buffer x, float p, long seed, Buffer y) {
        VectorDropout.dropout(n, seg(x), p, seed, seg(y));
    }

    @Override
    public void adamStep(long n, Buffer param, Buffer grad, Buffer m, Buffer v, float lr, float beta1, float beta2, float eps, float weightDecay, boolean decoupled, int step) {
        VectorOptim.adamStep(n, seg(param), seg(grad), seg(m), seg(v), lr, beta1, beta2, eps, weightDecay, decoupled, step);
    }

    @Override
    public void sgdStep(long n, Buffer param, Buffer grad, Buffer momentumBuf, float lr, float momentum, float weightDecay, boolean firstStep) {
        VectorOptim.sgdStep(n, seg(param), seg(grad), opt(momentumBuf), lr, momentum, weightDecay, firstStep);
    }

    /** The segment of an optional buffer, or null. */
    private static MemorySegment opt(Buffer b) {
        return b == null ? null : seg(b);
    }

    // ---------------------------------------------------------------- fused attention

    @Override
    public void attention(AttentionProblem a, Buffer o, Buffer lse) {
        VectorAttention.forward(a, o, lse);
    }

    @Override
    public void attentionBackward(AttentionProblem a, Buffer o, Buffer lse, Buffer dO, Buffer dq, Buffer dk, Buffer dv) {
        VectorAttention.backward(a, o, lse, dO, dq, dk, dv);
    }
}
