package dev.dat4j.vecops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.dat4j.vecops.CpuBuffer.seg;

/**
 * The reference backend: plain single-threaded loops written for obviousness, not speed.
 * Every fast kernel (Vector API, CUDA) is tested against this class.
 */
public final class ScalarBackend extends CpuBackend implements FusedAttention, StridedCopy {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    @Override
    public String name() {
        return "cpu-scalar";
    }

    private static float get(MemorySegment s, long i) {
        return s.getAtIndex(F, i);
    }

    private static void set(MemorySegment s, long i, float v) {
        s.setAtIndex(F, i, v);
    }

    private static int id(MemorySegment s, long i) {
        return s.getAtIndex(I, i);
    }

    @Override
    public void fill(Buffer x, long n, float value) {
        MemorySegment s = seg(x);
        for (long i = 0; i < n; i++) set(s, i, value);
    }

    // ---------------------------------------------------------------- GEMM

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, int lda,
                     Buffer b, int ldb, float beta, Buffer c, int ldc) {
        gemmBatched(transA, transB, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0, 1);
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            Buffer a, int lda, long strideA, Buffer b, int ldb, long strideB,
                            float beta, Buffer c, int ldc, long strideC, int batch) {
        MemorySegment sa = seg(a), sb = seg(b), sc = seg(c);
        for (int p = 0; p < batch; p++) {
            long oa = p * strideA, ob = p * strideB, oc = p * strideC;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = 0f;
                    for (int l = 0; l < k; l++) {
                        float av = get(sa, oa + (transA ? (long) l * lda + i : (long) i * lda + l));
                        float bv = get(sb, ob + (transB ? (long) j * ldb + l : (long) l * ldb + j));
                        acc += av * bv;
                    }
                    long ci = oc + (long) i * ldc + j;
                    set(sc, ci, beta == 0f ? alpha * acc : alpha * acc + beta * get(sc, ci));
                }
            }
        }
    }

    // ---------------------------------------------------------------- elementwise

    /** Offset of the row-major multi-index {@code flat} of {@code shape} under {@code strides}. */
    static long stridedOffset(long flat, int[] shape, long[] strides) {
        long off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            long idx = flat % shape[d];
            flat /= shape[d];
            off += idx * strides[d];
        }
        return off;
    }

    static long volume(int[] shape) {
        long v = 1;
        for (int s : shape) v *= s;
        return v;
    }

    @Override
    public void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out) {
        MemorySegment s = seg(src), o = seg(out);
        long n = volume(shape);
        for (long i = 0; i < n; i++) set(o, i, get(s, stridedOffset(i, shape, srcStrides)));
    }

    @Override
    public void copyStrided(int[] shape, Buffer src, long[] srcStrides, Buffer out, long[] outStrides) {
        MemorySegment s = seg(src), o = seg(out);
        long n = volume(shape);
        for (long i = 0; i < n; i++) set(o, stridedOffset(i, shape, outStrides), get(s, stridedOffset(i, shape, srcStrides)));
    }

    @Override
    public void binary(BinaryOp op, int[] shape, Buffer a, long[] aStrides, Buffer b, long[] bStrides, Buffer out) {
        MemorySegment sa = seg(a), sb = seg(b), o = seg(out);
        long n = volume(shape);
        for (long i = 0; i < n; i++) {
            set(o, i, op.apply(get(sa, stridedOffset(i, shape, aStrides)), get(sb, stridedOffset(i, shape, bStrides))));
        }
    }

    @Override
    public void unary(UnaryOp op, long n, Buffer x, Buffer y) {
        MemorySegment sx = seg(x), sy = seg(y);
        for (long i = 0; i < n; i++) set(sy, i, op.apply(get(sx, i)));
    }

    @Override
    public void unaryBackward(UnaryOp op, long n, Buffer x, Buffer y, Buffer dy, Buffer dx) {
        MemorySegment sx = seg(x), sy = seg(y), sdy = seg(dy), sdx = seg(dx);
        for (long i = 0; i < n; i++) set(sdx, i, get(sdy, i) * op.derivative(get(sx, i), get(sy, i)));
    }

    @Override
    public void affine(long n, Buffer x, float alpha, float beta, Buffer y) {
        MemorySegment sx = seg(x), sy = seg(y);
        for (long i = 0; i < n; i++) set(sy, i, alpha * get(sx, i) + beta);
    }

    @Override
    public void pow(long n, Buffer x, float p, Buffer y) {
        MemorySegment sx = seg(x), sy = seg(y);
        for (long i = 0; i < n; i++) set(sy, i, (float) Math.pow(get(sx, i), p));
    }

    @Override
    public void axpy(long n, float alpha, Buffer x, Buffer y) {
        MemorySegment sx = seg(x), sy = seg(y);
        for (long i = 0; i < n; i++) set(sy, i, get(sy, i) + alpha * get(sx, i));
    }

    @Override
    public void where(long n, Buffer cond, Buffer a, Buffer b, Buffer out) {
        MemorySegment c = seg(cond), sa = seg(a), sb = seg(b), o = seg(out);
        for (long i = 0; i < n; i++) set(o, i, get(c, i) != 0f ? get(sa, i) : get(sb, i));
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, int outer, int n, int inner, Buffer x, Buffer y) {
        MemorySegment sx = seg(x), sy = seg(y);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                long base = (long) o * n * inner + in;
                float acc = switch (op) {
                    case SUM, MEAN -> 0f;
                    case MAX -> Float.NEGATIVE_INFINITY;
                    case MIN -> Float.POSITIVE_INFINITY;
                };
                for (int j = 0; j < n; j++) {
                    float v = get(sx, base + (long) j * inner);
                    acc = switch (op) {
                        case SUM, MEAN -> acc + v;
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                    };
                }
                set(sy, (long) o * inner + in, op == ReduceOp.MEAN ? acc / n : acc);
            }
        }
    }

    @Override
    public void argmax(int outer, int n, int inner, Buffer x, Buffer idx) {
        MemorySegment sx = seg(x), si = seg(idx);
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                long base = (long) o * n * inner + in;
                int best = 0;
                float bestV = get(sx, base);
                for (int j = 1; j < n; j++) {
                    float v = get(sx, base + (long) j * inner);
                    if (v > bestV) {
                        bestV = v;
                        best = j;
                    }
                }
                si.setAtIndex(I, (long) o * inner + in, best);
            }
        }
    }

    @Override
    public double sumOfSquares(long n, Buffer x) {
        MemorySegment sx = seg(x);
        double acc = 0;
        for (long i = 0; i < n; i++) {
            double v = get(sx, i);
            acc += v * v;
        }
        return acc;
    }

    // ---------------------------------------------------------------- softmax and losses

    @Override
    public void softmax(int rows, int cols, Buffer x, float scale, int causalRows, Buffer y) {
        MemorySegment sx = seg(x), sy = seg(y);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            int valid = causalRows > 0 ? Math.min(cols, r % causalRows + (cols - causalRows) + 1) : cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < valid; j++) max = Math.max(max, scale * get(sx, base + j));
            float sum = 0f;
            for (int j = 0; j < valid; j++) {
                float e = (float) Math.exp(scale * get(sx, base + j) - max);
                set(sy, base + j, e);
                sum += e;
            }
            for (int j = 0; j < valid; j++) set(sy, base + j, get(sy, base + j) / sum);
            for (int j = valid; j < cols; j++) set(sy, base + j, 0f);
        }
    }

    @Override
    public void softmaxBackward(int rows, int cols, Buffer y, Buffer dy, float scale, Buffer dx) {
        MemorySegment sy = seg(y), sdy = seg(dy), sdx = seg(dx);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            float dot = 0f;
            for (int j = 0; j < cols; j++) dot += get(sdy, base + j) * get(sy, base + j);
            for (int j = 0; j < cols; j++) set(sdx, base + j, scale * get(sy, base + j) * (get(sdy, base + j) - dot));
        }
    }

    @Override
    public void logSoftmax(int rows, int cols, Buffer x, Buffer y) {
        MemorySegment sx = seg(x), sy = seg(y);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, get(sx, base + j));
            float sum = 0f;
            for (int j = 0; j < cols; j++) sum += (float) Math.exp(get(sx, base + j) - max);
            float lse = max + (float) Math.log(sum);
            for (int j = 0; j < cols; j++) set(sy, base + j, get(sx, base + j) - lse);
        }
    }

    @Override
    public void logSoftmaxBackward(int rows, int cols, Buffer y, Buffer dy, Buffer dx) {
        MemorySegment sy = seg(y), sdy = seg(dy), sdx = seg(dx);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            float sum = 0f;
            for (int j = 0; j < cols; j++) sum += get(sdy, base + j);
            for (int j = 0; j < cols; j++) {
                set(sdx, base + j, get(sdy, base + j) - (float) Math.exp(get(sy, base + j)) * sum);
            }
        }
    }

    @Override
    public void crossEntropy(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex, Buffer losses) {
        MemorySegment sl = seg(logits), st = seg(targets), so = seg(losses);
        for (int r = 0; r < rows; r++) {
            int t = id(st, r);
            if (t == ignoreIndex) {
                set(so, r, 0f);
                continue;
            }
            checkIndex(t, vocab, "target", r);
            long base = (long) r * vocab;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) max = Math.max(max, get(sl, base + j));
            float sum = 0f;
            for (int j = 0; j < vocab; j++) sum += (float) Math.exp(get(sl, base + j) - max);
            set(so, r, max + (float) Math.log(sum) - get(sl, base + t));
        }
    }

    @Override
    public void crossEntropyBackward(int rows, int vocab, Buffer logits, Buffer targets, int ignoreIndex,
                                     Buffer losses, Buffer dlosses, Buffer dlogits) { // the reference: recomputes log Σ exp
        MemorySegment sl = seg(logits), st = seg(targets), sd = seg(dlosses), sg = seg(dlogits);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * vocab;
            int t = id(st, r);
            if (t == ignoreIndex) {
                for (int j = 0; j < vocab; j++) set(sg, base + j, 0f);
                continue;
            }
            checkIndex(t, vocab, "target", r);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < vocab; j++) max = Math.max(max, get(sl, base + j));
            float sum = 0f;
            for (int j = 0; j < vocab; j++) sum += (float) Math.exp(get(sl, base + j) - max);
            float d = get(sd, r);
            for (int j = 0; j < vocab; j++) {
                float p = (float) Math.exp(get(sl, base + j) - max) / sum;
                set(sg, base + j, d * (p - (j == t ? 1f : 0f)));
            }
        }
    }

    // ---------------------------------------------------------------- normalisation

    @Override
    public void layerNorm(int rows, int cols, Buffer x, Buffer gamma, Buffer beta, float eps,
                          Buffer y, Buffer mean, Buffer rstd) {
        MemorySegment sx = seg(x), sy = seg(y), sm = seg(mean), sr = seg(rstd);
        MemorySegment g = gamma == null ? null : seg(gamma), bb = beta == null ? null : seg(beta);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            float mu = 0f;
            for (int j = 0; j < cols; j++) mu += get(sx, base + j);
            mu /= cols;
            float var = 0f;
            for (int j = 0; j < cols; j++) {
                float d = get(sx, base + j) - mu;
                var += d * d;
            }
            var /= cols;
            float rs = (float) (1.0 / Math.sqrt(var + eps));
            for (int j = 0; j < cols; j++) {
                float v = (get(sx, base + j) - mu) * rs;
                if (g != null) v *= get(g, j);
                if (bb != null) v += get(bb, j);
                set(sy, base + j, v);
            }
            set(sm, r, mu);
            set(sr, r, rs);
        }
    }

    @Override
    public void layerNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer mean, Buffer rstd,
                                  Buffer dy, Buffer dx, Buffer dgamma, Buffer dbeta) {
        MemorySegment sx = seg(x), sm = seg(mean), sr = seg(rstd), sdy = seg(dy), sdx = seg(dx);
        MemorySegment g = gamma == null ? null : seg(gamma);
        MemorySegment dg = dgamma == null ? null : seg(dgamma), db = dbeta == null ? null : seg(dbeta);
        for (int j = 0; j < cols; j++) {
            if (dg != null) set(dg, j, 0f);
            if (db != null) set(db, j, 0f);
        }
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            float mu = get(sm, r), rs = get(sr, r);
            // dxhat = dy·gamma; dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat))
            float sumD = 0f, sumDX = 0f;
            for (int j = 0; j < cols; j++) {
                float xhat = (get(sx, base + j) - mu) * rs;
                float d = get(sdy, base + j) * (g == null ? 1f : get(g, j));
                sumD += d;
                sumDX += d * xhat;
                if (dg != null) set(dg, j, get(dg, j) + get(sdy, base + j) * xhat);
                if (db != null) set(db, j, get(db, j) + get(sdy, base + j));
            }
            float meanD = sumD / cols, meanDX = sumDX / cols;
            for (int j = 0; j < cols; j++) {
                float xhat = (get(sx, base + j) - mu) * rs;
                float d = get(sdy, base + j) * (g == null ? 1f : get(g, j));
                set(sdx, base + j, rs * (d - meanD - xhat * meanDX));
            }
        }
    }

    @Override
    public void rmsNorm(int rows, int cols, Buffer x, Buffer gamma, float eps, Buffer y, Buffer rstd) {
        MemorySegment sx = seg(x), sy = seg(y), sr = seg(rstd);
        MemorySegment g = gamma == null ? null : seg(gamma);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            float ss = 0f;
            for (int j = 0; j < cols; j++) ss += get(sx, base + j) * get(sx, base + j);
            float rs = (float) (1.0 / Math.sqrt(ss / cols + eps));
            for (int j = 0; j < cols; j++) set(sy, base + j, get(sx, base + j) * rs * (g == null ? 1f : get(g, j)));
            set(sr, r, rs);
        }
    }

    @Override
    public void rmsNormBackward(int rows, int cols, Buffer x, Buffer gamma, Buffer rstd,
                                Buffer dy, Buffer dx, Buffer dgamma) {
        MemorySegment sx = seg(x), sr = seg(rstd), sdy = seg(dy), sdx = seg(dx);
        MemorySegment g = gamma == null ? null : seg(gamma), dg = dgamma == null ? null : seg(dgamma);
        for (int j = 0; dg != null && j < cols; j++) set(dg, j, 0f);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            float rs = get(sr, r);
            // y = x·rs·g; dx = rs·(d − xhat·mean(d·xhat)), d = dy·g, xhat = x·rs
            float sumDX = 0f;
            for (int j = 0; j < cols; j++) {
                float xhat = get(sx, base + j) * rs;
                float d = get(sdy, base + j) * (g == null ? 1f : get(g, j));
                sumDX += d * xhat;
                if (dg != null) set(dg, j, get(dg, j) + get(sdy, base + j) * xhat);
            }
            float meanDX = sumDX / cols;
            for (int j = 0; j < cols; j++) {
                float xhat = get(sx, base + j) * rs;
                float d = get(sdy, base + j) * (g == null ? 1f : get(g, j));
                set(sdx, base + j, rs * (d - xhat * meanDX));
            }
        }
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void embedding(int n, int dim, int vocab, Buffer table, Buffer ids, Buffer out) {
        MemorySegment t = seg(table), si = seg(ids), o = seg(out);
        for (int i = 0; i < n; i++) {
            int row = checkIndex(id(si, i), vocab, "token id", i);
            for (int j = 0; j < dim; j++) set(o, (long) i * dim + j, get(t, (long) row * dim + j));
        }
    }

    @Override
    public void embeddingBackward(int n, int dim, int vocab, Buffer ids, Buffer dout, Buffer dtable) {
        MemorySegment si = seg(ids), d = seg(dout), t = seg(dtable);
        fill(dtable, (long) vocab * dim, 0f);
        for (int i = 0; i < n; i++) {
            int row = checkIndex(id(si, i), vocab, "token id", i);
            for (int j = 0; j < dim; j++) {
                long ti = (long) row * dim + j;
                set(t, ti, get(t, ti) + get(d, (long) i * dim + j));
            }
        }
    }

    @Override
    public void gather(int outer, int n, int k, Buffer x, Buffer idx, Buffer y) {
        MemorySegment sx = seg(x), si = seg(idx), sy = seg(y);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < k; j++) {
                int c = checkIndex(id(si, (long) o * k + j), n, "gather index", (long) o * k + j);
                set(sy, (long) o * k + j, get(sx, (long) o * n + c));
            }
        }
    }

    @Override
    public void gatherBackward(int outer, int n, int k, Buffer idx, Buffer dy, Buffer dx) {
        MemorySegment si = seg(idx), sdy = seg(dy), sdx = seg(dx);
        fill(dx, (long) outer * n, 0f);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < k; j++) {
                int c = checkIndex(id(si, (long) o * k + j), n, "gather index", (long) o * k + j);
                long xi = (long) o * n + c;
                set(sdx, xi, get(sdx, xi) + get(sdy, (long) o * k + j));
            }
        }
    }

    // ---------------------------------------------------------------- position, noise, optimisers

    @Override
    public void rope(int batch, int seq, int heads, int dim, Buffer x, Buffer cos, Buffer sin, boolean inverse, Buffer y) {
        MemorySegment sx = seg(x), sc = seg(cos), ss = seg(sin), sy = seg(y);
        int half = dim / 2;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                for (int h = 0; h < heads; h++) {
                    long base = (((long) b * seq + t) * heads + h) * dim;
                    for (int p = 0; p < half; p++) {
                        float c = get(sc, (long) t * half + p);
                        float s = get(ss, (long) t * half + p);
                        if (inverse) s = -s;
                        float x0 = get(sx, base + 2L * p), x1 = get(sx, base + 2L * p + 1);
                        set(sy, base + 2L * p, x0 * c - x1 * s);
                        set(sy, base + 2L * p + 1, x0 * s + x1 * c);
                    }
                }
            }
        }
    }

    @Override
    public void dropout(long n, Buffer x, float p, long seed, Buffer y) {
        MemorySegment sx = seg(x), sy = seg(y);
        float keepScale = 1f / (1f - p);
        for (long i = 0; i < n; i++) {
            set(sy, i, DropoutRng.uniform(seed, i) >= p ? get(sx, i) * keepScale : 0f);
        }
    }

    @Override
    public void adamStep(long n, Buffer param, Buffer grad, Buffer m, Buffer v, float lr, float beta1, float beta2,
                         float eps, float weightDecay, boolean decoupled, int step) {
        MemorySegment sp = seg(param), sg = seg(grad), sm = seg(m), sv = seg(v);
        float bc1 = 1f - (float) Math.pow(beta1, step);
        float bc2 = 1f - (float) Math.pow(beta2, step);
        for (long i = 0; i < n; i++) {
            float theta = get(sp, i);
            float g = get(sg, i);
            if (!decoupled) g += weightDecay * theta;
            float mi = beta1 * get(sm, i) + (1f - beta1) * g;
            float vi = beta2 * get(sv, i) + (1f - beta2) * g * g;
            set(sm, i, mi);
            set(sv, i, vi);
            if (decoupled) theta -= lr * weightDecay * theta;
            theta -= lr * (mi / bc1) / ((float) Math.sqrt(vi / bc2) + eps);
            set(sp, i, theta);
        }
    }

    @Override
    public void sgdStep(long n, Buffer param, Buffer grad, Buffer momentumBuf, float lr, float momentum,
                        float weightDecay, boolean firstStep) {
        MemorySegment sp = seg(param), sg = seg(grad);
        MemorySegment sb = momentumBuf == null ? null : seg(momentumBuf);
        for (long i = 0; i < n; i++) {
            float g = get(sg, i) + weightDecay * get(sp, i);
            if (momentum != 0f) {
                g = firstStep ? g : momentum * get(sb, i) + g;
                set(sb, i, g);
            }
            set(sp, i, get(sp, i) - lr * g);
        }
    }

    // ---------------------------------------------------------------- fused attention

    @Override
    public void attention(AttentionProblem a, Buffer o, Buffer lse) {
        ScalarAttention.forward(a, o, lse);
    }

    @Override
    public void attentionBackward(AttentionProblem a, Buffer o, Buffer lse, Buffer dO, Buffer dq, Buffer dk, Buffer dv) {
        ScalarAttention.backward(a, o, lse, dO, dq, dk, dv);
    }
}
