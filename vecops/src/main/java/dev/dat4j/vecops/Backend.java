package dev.dat4j.vecops;

/**
 * The complete kernel set that autograd and the DAT models run on, forward and backward.
 *
 * <p>Implemented three times: {@link ScalarBackend} (plain loops, the oracle for every test),
 * {@link VectorBackend} (Vector API, multithreaded) and the CUDA backend of {@code ffm-cuda}.
 *
 * <p>Conventions, shared by every method:
 * <ul>
 *   <li>All tensors are row-major and contiguous unless strides are passed explicitly.
 *   <li>Buffers hold float32 unless a parameter is documented as int32 ("ids", "targets").
 *   <li>Kernels take no offsets: callers pass {@link Buffer#slice views}.
 *   <li>Every output is <b>overwritten</b> (never accumulated), except where documented
 *       (GEMM's {@code beta}, {@link #axpy}). Outputs must not alias inputs unless stated.
 *   <li>Shapes are given in comments as {@code x: (rows, cols)}.
 * </ul>
 */
public interface Backend {

    /** Short name for logs and reports, e.g. {@code "cpu-vector(512-bit)"} or {@code "cuda:0"}. */
    String name();

    /**
     * Waits until every op issued so far has finished. A no-op on the CPU backends, whose ops run
     * before they return; a GPU backend queues ops, so timings must call this before stopping the clock.
     */
    default void synchronize() {}

    // ---------------------------------------------------------------- memory

    /** A new scope owning the buffers allocated through it. */
    MemoryScope newScope();

    /** Copies {@code src} (host) into the first {@code src.length} elements of {@code dst}. */
    void write(Buffer dst, float[] src);

    /** Copies the first {@code dst.length} elements of {@code src} into {@code dst} (host). */
    void read(Buffer src, float[] dst);

    /** Int32 variant of {@link #write(Buffer, float[])}. */
    void writeInts(Buffer dst, int[] src);

    /** Int32 variant of {@link #read(Buffer, float[])}. */
    void readInts(Buffer src, int[] dst);

    /** x[0..n) = value. */
    void fill(Buffer x, long n, float value);

    /** dst[0..n) = src[0..n). */
    void copy(Buffer src, Buffer dst, long n);

    // ---------------------------------------------------------------- matrix multiplication

    /**
     * C = alpha·op(A)·op(B) + beta·C, row-major. op(A): (m,k), op(B): (k,n), C: (m,n).
     * A is stored (m,k) with leading dimension lda, or (k,m) if transA; likewise B: (k,n) or (n,k).
     * With beta == 0, C is overwritten without being read (NaNs in C do not propagate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Buffer a, int lda, Buffer b, int ldb,
              float beta, Buffer c, int ldc);

    /**
     * {@code batch} independent GEMMs; matrix i of A starts at element i·strideA (likewise B, C).
     * A stride of 0 broadcasts one matrix to every batch entry (allowed for A and B, not C).
     */
    void gemmBatched(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, Buffer a, int lda, long strideA, Buffer b, int ldb, long strideB,
                     float beta, Buffer c, int ldc, long strideC, int batch);

    // ---------------------------------------------------------------- elementwise

    /**
     * Strided copy into a contiguous output: out[idx] = src[Σ idx_d·srcStrides_d] for every
     * multi-index idx of {@code shape} (row-major). Materialises permuted/expanded views.
     */
    void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out);

    /**
     * out[idx] = op(a[Σ idx_d·aStrides_d], b[Σ idx_d·bStrides_d]); out contiguous of {@code shape}.
     * A stride of 0 broadcasts along that dimension.
     */
    void binary(BinaryOp op, int[] shape, Buffer a, long[] aStrides, Buffer b, long[] bStrides, Buffer out);

    /** y = f(x), n elements. y may alias x. */
    void unary(UnaryOp op, long n, Buffer x, Buffer y);

    /** dx = dy · f'(x), with y = f(x) as computed by {@link #unary}. dx may alias dy. */
    void unaryBackward(UnaryOp op, long n, Buffer x, Buffer y, Buffer dy, Buffer dx);

    /** y = alpha·x + beta (elementwise affine). y may alias x. */
    void affine(long n, Buffer x, float alpha, float beta, Buffer y);

    /** y = x^p elementwise. y may alias x. */
    void pow(long n, Buffer x, float p, Buffer y);

    /** y += alpha·x (the one accumulating kernel; used for gradient accumulation). */
    void axpy(long n, float alpha, Buffer x, Buffer y);

    /** out = cond != 0 ? a : b, n elements, all contiguous. */
    void where(long n, Buffer cond, Buffer a, Buffer b, Buffer out);

    // ---------------------------------------------------------------- reductions

    /**
     * Reduces the middle axis: x viewed as (outer, n, inner) gives y: (outer, inner).
     * Any set of adjacent axes can be reduced this way; MEAN divides by n.
     */
    void reduce(ReduceOp op, int outer, int n, int inner, Buffer x, Buffer y);

    /** Index of the maximum along the middle axis (first one on ties): x (outer,n,inner) → idx int32 (outer,inner). */
    void argmax(int outer, int n, int inner, Buffer x, Buffer idx);

    /** Σ x² over n elements, accumulated in double (gradient-norm clipping). Synchronous. */
    double sumOfSquares(long n, Buffer x);

    // ---------------------------------------------------------------- softmax and losses

    /**
     * Row softmax of scale·x: x, y: (rows, cols). If {@code causalRows > 0}, rows form blocks of
     * {@code causalRows} query rows; row r has query index i = r mod causalRows, and column j is
     * masked (probability exactly 0) when j > i + (cols − causalRows). Masked logits are not read.
     */
    void softmax(int rows, int cols, Buffer x, float scale, int causalRows, Buffer y);

    /** dx = scale · y ⊙ (dy − Σ_j dy·y) per row; y from {@link #softmax}. */
    void softmaxBackward(int rows, int cols, Buffer y, Buffer dy, float scale, Buffer dx);

    /** y = log_softmax(x) per row. x, y: (rows, cols). */
    void logSoftmax(int rows, int cols, Buffer x, Buffer y);

    /** dx = dy − exp(y) · Σ_j dy per row; y from {@link #logSoftmax}. */
    void logSoftmaxBackward(int rows, int cols, Buffer y, Buffer dy, Buffer dx);

    /**
     * Fused softmax cross-entropy. logits: (rows, vocab); targets: int32 (rows).
     * losses[r] = −log softmax(logits[r])[targets[r]], or 0 where targets[r] == ignoreIndex.
     * Throws IllegalArgumentException for a target outside [0, vocab) that is not ignoreIndex.
     */
    void crossEntropy(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer losses);

    /**
     * dlogits[r] = dlosses[r] · (softmax(logits[r]) − onehot(targets[r])); zero rows where ignored.
     * {@code losses} are what {@link #crossEntropy} returned for these logits: a backend may take
     * log Σ exp of a row from them (losses[r] + logits[r, targets[r]]) instead of another pass over
     * the row, or ignore them.
     */
    void crossEntropyBackward(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex,
                              Buffer losses, Buffer dlosses, Buffer dlogits);

    // ---------------------------------------------------------------- normalisation

    /**
     * LayerNorm over the last axis: y = (x − mean)·rstd·gamma + beta, rstd = 1/√(var + eps)
     * (biased variance). x, y: (rows, cols); gamma, beta: (cols) or null (= 1 / 0);
     * mean, rstd: (rows), saved for backward.
     */
    void layerNorm(int rows, int cols, Buffer x, Buffer gamma, Buffer beta, float eps,
                   Buffer y, Buffer mean, Buffer rstd);

    /** Gradients of {@link #layerNorm}: dx (rows, cols); dgamma, dbeta (cols) or null when not wanted. */
    void layerNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer mean, Buffer rstd,
                           Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta);

    /** RMSNorm: y = x·rstd·gamma, rstd = 1/√(mean(x²) + eps). gamma (cols) or null; rstd (rows). */
    void rmsNorm(int rows, int cols, Buffer x, Buffer gamma, float eps, Buffer y, Buffer rstd);

    /** Gradients of {@link #rmsNorm}: dx (rows, cols); dgamma (cols) or null. */
    void rmsNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer rstd,
                         Buffer dy, Buffer dx, Buffer dgamma);

    // ---------------------------------------------------------------- indexing

    /** out[i,:] = table[ids[i],:]. table: (vocab, dim); ids: int32 (n); out: (n, dim). Bad ids throw. */
    void embedding(int n, int dim, int vocab, Buffer table, Buffer ids, Buffer out);

    /** dtable = 0, then dtable[ids[i],:] += dout[i,:]. dtable: (vocab, dim). */
    void embeddingBackward(int n, int dim, int vocab, Buffer ids, Buffer dout, Buffer dtable);

    /** y[o,j] = x[o, idx[o,j]]. x: (outer, n); idx: int32 (outer, k); y: (outer, k). */
    void gather(int outer, int n, int k, Buffer x, Buffer idx, Buffer y);

    /** dx = 0, then dx[o, idx[o,j]] += dy[o,j]. dx: (outer, n). */
    void gatherBackward(int outer, int n, int k, Buffer idx, Buffer dy, Buffer dx);

    // ---------------------------------------------------------------- position, noise, optimisers

    /**
     * Interleaved (LLaMA-style) rotary embedding. x, y: (batch, seq, heads, dim) with dim even;
     * cos, sin: (≥ seq, dim/2) tables; position of x[b,t,...] is t. For each pair k:
     * y[2k] = x[2k]·cos − x[2k+1]·sin, y[2k+1] = x[2k]·sin + x[2k+1]·cos.
     * {@code inverse} rotates by −angle (the backward pass). y may alias x.
     */
    void rope(int batch, int seq, int heads, int dim, Buffer x, Buffer cos, Buffer sin, boolean inverse, Buffer y);

    /**
     * Inverted dropout with a counter-based RNG: element i is kept iff
     * {@link DropoutRng#uniform}(seed, i) ≥ p, and kept elements are scaled by 1/(1−p).
     * The same call applied to dy gives dx (the mask is recomputed, never stored). y may alias x.
     */
    void dropout(long n, Buffer x, float p, long seed, Buffer y);

    /**
     * One fused Adam/AdamW update (PyTorch semantics), step ≥ 1:
     * if !decoupled: g += weightDecay·θ (Adam's L2); m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
     * m̂ = m/(1−β1^step); v̂ = v/(1−β2^step); if decoupled: θ −= lr·weightDecay·θ;
     * θ −= lr·m̂/(√v̂ + eps).
     */
    void adamStep(long n, Buffer param, Buffer grad, Buffer m, Buffer v, float lr, float beta1, float beta2,
                  float eps, float weightDecay, boolean decoupled, int step);

    /**
     * SGD with momentum (PyTorch semantics): g += weightDecay·θ; buf = momentum·buf + g
     * (buf = g on the first step, signalled by {@code firstStep}); θ −= lr·buf. momentumBuf may be
     * null when momentum == 0.
     */
    void sgdStep(long n, Buffer param, Buffer grad, Buffer momentumBuf, float lr, float momentum,
                 float weightDecay, boolean firstStep);
}
