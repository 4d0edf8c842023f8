// Row-wise softmax family and the fused softmax cross-entropy. One block per row: grid.x = rows,
// a 1-D block of 256 threads striding over the columns.

// x, y: (rows, cols). y = softmax(scale·x) per row; with causal_rows > 0, row r (query
// i = r mod causal_rows) keeps columns j <= i + (cols - causal_rows); the rest are exactly 0 and unread.
extern "C" __global__ void softmax_forward(const float* x, float* y, int cols, float scale, int causal_rows) {
    int r = blockIdx.x;
    const float* xr = x + (i64)r * cols;
    float* yr = y + (i64)r * cols;
    int valid = causal_rows > 0 ? min(cols, r % causal_rows + (cols - causal_rows) + 1) : cols;
    if (valid < 0) valid = 0;
    float m = NEG_INF;
    for (int j = threadIdx.x; j < valid; j += blockDim.x) m = java_max(m, scale * xr[j]);
    m = block_max(m);
    float s = 0.f;
    for (int j = threadIdx.x; j < valid; j += blockDim.x) {
        float e = expf(scale * xr[j] - m);
        yr[j] = e;
        s += e;
    }
    s = block_sum(s);
    for (int j = threadIdx.x; j < valid; j += blockDim.x) yr[j] = yr[j] / s;  // this thread wrote yr[j]
    for (int j = valid + threadIdx.x; j < cols; j += blockDim.x) yr[j] = 0.f;
}

// y, dy, dx: (rows, cols). dx = scale · y ⊙ (dy − Σ_j dy·y)
extern "C" __global__ void softmax_backward(const float* y, const float* dy, float* dx, int cols, float scale) {
    i64 base = (i64)blockIdx.x * cols;
    float dot = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) dot += dy[base + j] * y[base + j];
    dot = block_sum(dot);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) dx[base + j] = scale * y[base + j] * (dy[base + j] - dot);
}

// x, y: (rows, cols). y = x − logsumexp(x) per row.
extern "C" __global__ void log_softmax_forward(const float* x, float* y, int cols) {
    i64 base = (i64)blockIdx.x * cols;
    float m = NEG_INF;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) m = java_max(m, x[base + j]);
    m = block_max(m);
    float s = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += expf(x[base + j] - m);
    s = block_sum(s);
    float lse = m + logf(s);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) y[base + j] = x[base + j] - lse;
}

// y, dy, dx: (rows, cols). dx = dy − exp(y) · Σ_j dy
extern "C" __global__ void log_softmax_backward(const float* y, const float* dy, float* dx, int cols) {
    i64 base = (i64)blockIdx.x * cols;
    float s = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += dy[base + j];
    s = block_sum(s);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) dx[base + j] = dy[base + j] - expf(y[base + j]) * s;
}

// logits: (rows, vocab); targets: int32 (rows); losses: (rows).
// losses[r] = logsumexp(logits[r]) − logits[r, t], 0 where t == ignore; a t outside [0, vocab) is
// reported through err (the host then throws) and gives NaN.
extern "C" __global__ void cross_entropy_forward(const float* logits, const int* targets, float* losses,
                                                 int vocab, int ignore, u64* err) {
    int r = blockIdx.x;
    int t = targets[r];
    if (t == ignore) {
        if (threadIdx.x == 0) losses[r] = 0.f;
        return;
    }
    if (t < 0 || t >= vocab) {
        if (threadIdx.x == 0) {
            report_bad(err, r);
            losses[r] = QNAN;
        }
        return;
    }
    const float* xr = logits + (i64)r * vocab;
    float m = NEG_INF;
    for (int j = threadIdx.x; j < vocab; j += blockDim.x) m = java_max(m, xr[j]);
    m = block_max(m);
    float s = 0.f;
    for (int j = threadIdx.x; j < vocab; j += blockDim.x) s += expf(xr[j] - m);
    s = block_sum(s);
    if (threadIdx.x == 0) losses[r] = m + logf(s) - xr[t];
}

// dlogits[r] = dlosses[r] · (softmax(logits[r]) − onehot(t)); zero rows where t == ignore.
extern "C" __global__ void cross_entropy_backward(const float* logits, const int* targets, const float* dlosses,
                                                  float* dlogits, int vocab, int ignore, u64* err) {
    int r = blockIdx.x;
    int t = targets[r];
    const float* xr = logits + (i64)r * vocab;
    float* gr = dlogits + (i64)r * vocab;
    if (t == ignore || t < 0 || t >= vocab) {
        if (t != ignore && threadIdx.x == 0) report_bad(err, r);
        for (int j = threadIdx.x; j < vocab; j += blockDim.x) gr[j] = 0.f;
        return;
    }
    float m = NEG_INF;
    for (int j = threadIdx.x; j < vocab; j += blockDim.x) m = java_max(m, xr[j]);
    m = block_max(m);
    float s = 0.f;
    for (int j = threadIdx.x; j < vocab; j += blockDim.x) s += expf(xr[j] - m);
    s = block_sum(s);
    float d = dlosses[r];
    for (int j = threadIdx.x; j < vocab; j += blockDim.x) {
        float p = expf(xr[j] - m) / s;
        gr[j] = d * (p - (j == t ? 1.f : 0.f));
    }
}
