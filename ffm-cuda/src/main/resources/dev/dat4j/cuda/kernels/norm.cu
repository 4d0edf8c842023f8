// LayerNorm and RMSNorm, forward and backward. Row kernels: one block per row (grid.x = rows,
// 256 threads). Parameter-gradient kernels: block (32, 16), threadIdx.x = column (coalesced),
// threadIdx.y strides over rows, then a fixed-order sum in shared memory (deterministic).
// rstd is computed in double and rounded once, as the Java reference does.

// x, y: (rows, cols); gamma, beta: (cols) or null; mean, rstd: (rows).
// y = (x − mean)·rstd·gamma + beta, rstd = 1/√(var + eps), biased variance.
extern "C" __global__ void layer_norm_forward(const float* x, const float* gamma, const float* beta, float* y,
                                              float* mean, float* rstd, int cols, float eps) {
    int r = blockIdx.x;
    const float* xr = x + (i64)r * cols;
    float* yr = y + (i64)r * cols;
    float s = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
    float mu = block_sum(s) / cols;
    float v = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float d = xr[j] - mu;
        v += d * d;
    }
    float var = block_sum(v) / cols;
    float rs = (float)(1.0 / sqrt((double)(var + eps)));
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float o = (xr[j] - mu) * rs;
        if (gamma) o *= gamma[j];
        if (beta) o += beta[j];
        yr[j] = o;
    }
    if (threadIdx.x == 0) {
        mean[r] = mu;
        rstd[r] = rs;
    }
}

// dx (rows, cols) = rstd·(d − mean(d) − xhat·mean(d·xhat)), d = dy·gamma, xhat = (x − mean)·rstd.
extern "C" __global__ void layer_norm_backward_dx(const float* x, const float* gamma, const float* mean,
                                                  const float* rstd, const float* dy, float* dx, int cols) {
    int r = blockIdx.x;
    i64 base = (i64)r * cols;
    float mu = mean[r], rs = rstd[r];
    float sumD = 0.f, sumDX = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float xhat = (x[base + j] - mu) * rs;
        float d = dy[base + j] * (gamma ? gamma[j] : 1.f);
        sumD += d;
        sumDX += d * xhat;
    }
    float meanD = block_sum(sumD) / cols;
    float meanDX = block_sum(sumDX) / cols;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float xhat = (x[base + j] - mu) * rs;
        float d = dy[base + j] * (gamma ? gamma[j] : 1.f);
        dx[base + j] = rs * (d - meanD - xhat * meanDX);
    }
}

// dgamma[j] = Σ_r dy[r,j]·xhat[r,j], dbeta[j] = Σ_r dy[r,j]; either may be null. grid.x = ceil(cols/32).
extern "C" __global__ void layer_norm_backward_params(const float* x, const float* mean, const float* rstd,
                                                      const float* dy, float* dgamma, float* dbeta, int rows, int cols) {
    __shared__ float pg[16][33], pb[16][33];
    int j = blockIdx.x * 32 + threadIdx.x;
    float g = 0.f, b = 0.f;
    if (j < cols) {
        for (int r = threadIdx.y; r < rows; r += blockDim.y) {
            i64 e = (i64)r * cols + j;
            g += dy[e] * ((x[e] - mean[r]) * rstd[r]);
            b += dy[e];
        }
    }
    pg[threadIdx.y][threadIdx.x] = g;
    pb[threadIdx.y][threadIdx.x] = b;
    __syncthreads();
    if (threadIdx.y == 0 && j < cols) {
        for (int t = 1; t < blockDim.y; t++) {
            g += pg[t][threadIdx.x];
            b += pb[t][threadIdx.x];
        }
        if (dgamma) dgamma[j] = g;
        if (dbeta) dbeta[j] = b;
    }
}

// x, y: (rows, cols); gamma: (cols) or null; rstd: (rows). y = x·rstd·gamma, rstd = 1/√(mean(x²) + eps).
extern "C" __global__ void rms_norm_forward(const float* x, const float* gamma, float* y, float* rstd,
                                            int cols, float eps) {
    int r = blockIdx.x;
    const float* xr = x + (i64)r * cols;
    float* yr = y + (i64)r * cols;
    float s = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j] * xr[j];
    float ss = block_sum(s);
    float rs = (float)(1.0 / sqrt((double)(ss / cols + eps)));
    for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = xr[j] * rs * (gamma ? gamma[j] : 1.f);
    if (threadIdx.x == 0) rstd[r] = rs;
}

// dx = rstd·(d − xhat·mean(d·xhat)), d = dy·gamma, xhat = x·rstd.
extern "C" __global__ void rms_norm_backward_dx(const float* x, const float* gamma, const float* rstd,
                                                const float* dy, float* dx, int cols) {
    int r = blockIdx.x;
    i64 base = (i64)r * cols;
    float rs = rstd[r];
    float sumDX = 0.f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float d = dy[base + j] * (gamma ? gamma[j] : 1.f);
        sumDX += d * (x[base + j] * rs);
    }
    float meanDX = block_sum(sumDX) / cols;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
        float xhat = x[base + j] * rs;
        float d = dy[base + j] * (gamma ? gamma[j] : 1.f);
        dx[base + j] = rs * (d - xhat * meanDX);
    }
}

// dgamma[j] = Σ_r dy[r,j]·x[r,j]·rstd[r]. grid.x = ceil(cols/32), block (32, 16).
extern "C" __global__ void rms_norm_backward_dgamma(const float* x, const float* rstd, const float* dy,
                                                    float* dgamma, int rows, int cols) {
    __shared__ float pg[16][33];
    int j = blockIdx.x * 32 + threadIdx.x;
    float g = 0.f;
    if (j < cols) {
        for (int r = threadIdx.y; r < rows; r += blockDim.y) {
            i64 e = (i64)r * cols + j;
            g += dy[e] * (x[e] * rstd[r]);
        }
    }
    pg[threadIdx.y][threadIdx.x] = g;
    __syncthreads();
    if (threadIdx.y == 0 && j < cols) {
        for (int t = 1; t < blockDim.y; t++) g += pg[t][threadIdx.x];
        dgamma[j] = g;
    }
}
