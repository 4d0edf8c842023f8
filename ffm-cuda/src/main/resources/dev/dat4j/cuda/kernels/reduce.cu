// Reductions over the middle axis of x viewed as (outer, n, inner), and the sum of squares.

// Op codes: must match CudaBackend.reduceCode.
#define R_SUM 0
#define R_MEAN 1
#define R_MAX 2
#define R_MIN 3

__device__ inline float reduce_identity(int op) {
    return op == R_MAX ? NEG_INF : (op == R_MIN ? POS_INF : 0.f);
}

__device__ inline float reduce_step(int op, float acc, float v) {
    return op == R_MAX ? java_max(acc, v) : (op == R_MIN ? java_min(acc, v) : acc + v);
}

// inner == 1. x: (outer, n) → y: (outer). One block per row; grid.x = outer.
extern "C" __global__ void reduce_rows(const float* x, float* y, int n, int op) {
    const float* row = x + (i64)blockIdx.x * n;
    float acc = reduce_identity(op);
    for (int j = threadIdx.x; j < n; j += blockDim.x) acc = reduce_step(op, acc, row[j]);
    if (op == R_MAX) acc = block_reduce(acc, MaxOp(), NEG_INF);
    else if (op == R_MIN) acc = block_reduce(acc, MinOp(), POS_INF);
    else acc = block_sum(acc);
    if (threadIdx.x == 0) y[blockIdx.x] = op == R_MEAN ? acc / n : acc;
}

// inner > 1. x: (outer, n, inner) → y: (outer, inner). Block (32, 8): threadIdx.x walks inner
// (coalesced), threadIdx.y splits n; grid.x = outer · ceil(inner / 32).
extern "C" __global__ void reduce_strided(const float* x, float* y, int outer, int n, int inner, int op) {
    __shared__ float partial[8][33];
    int tilesPerRow = (inner + 31) / 32;
    int o = blockIdx.x / tilesPerRow;
    int i = (blockIdx.x % tilesPerRow) * 32 + threadIdx.x;
    float acc = reduce_identity(op);
    if (i < inner) {
        const float* base = x + (i64)o * n * inner + i;
        for (int j = threadIdx.y; j < n; j += blockDim.y) acc = reduce_step(op, acc, base[(i64)j * inner]);
    }
    partial[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && i < inner) {
        for (int t = 1; t < blockDim.y; t++) acc = reduce_step(op, acc, partial[t][threadIdx.x]);
        y[(i64)o * inner + i] = op == R_MEAN ? acc / n : acc;
    }
}

// argmax with Java's sequential semantics: best = 0; for j >= 1, take j if x[j] > x[best].
// So a NaN at j = 0 wins, NaNs elsewhere never win, and ties go to the first index.
struct Candidate { float v; int j; };

__device__ inline Candidate better(Candidate a, Candidate b) {
    if (b.j < 0) return a;
    if (a.j < 0) return b;
    return (b.v > a.v || (b.v == a.v && b.j < a.j)) ? b : a;
}

// inner == 1. x: (outer, n) → idx: int32 (outer). One block per row.
extern "C" __global__ void argmax_rows(const float* x, int* idx, int n) {
    __shared__ Candidate partial[32];
    const float* row = x + (i64)blockIdx.x * n;
    Candidate c = {0.f, -1};
    for (int j = threadIdx.x; j < n; j += blockDim.x) {
        float v = row[j];
        if (v == v) c = better(c, Candidate{v, j});
    }
    for (int o = 16; o > 0; o >>= 1) {
        Candidate other = {__shfl_xor_sync(0xffffffffu, c.v, o), __shfl_xor_sync(0xffffffffu, c.j, o)};
        c = better(c, other);
    }
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) partial[warp] = c;
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < (blockDim.x + 31) / 32; w++) c = better(c, partial[w]);
        bool firstIsNaN = row[0] != row[0];
        idx[blockIdx.x] = (firstIsNaN || c.j < 0) ? 0 : c.j;
    }
}

// inner > 1. x: (outer, n, inner) → idx: (outer, inner). One thread per output, sequential over n.
extern "C" __global__ void argmax_strided(const float* x, int* idx, int outer, int n, int inner) {
    FOR_EACH(e, (i64)outer * inner) {
        i64 o = e / inner, i = e % inner;
        const float* base = x + o * n * inner + i;
        int best = 0;
        float bestV = base[0];
        for (int j = 1; j < n; j++) {
            float v = base[(i64)j * inner];
            if (v > bestV) { bestV = v; best = j; }
        }
        idx[e] = best;
    }
}

// *out += Σ x[i]² over this block's share, accumulated in double. *out must be zeroed first.
extern "C" __global__ void sum_of_squares(const float* x, i64 n, double* out) {
    double acc = 0.0;
    FOR_EACH(i, n) {
        double v = x[i];
        acc += v * v;
    }
    acc = block_reduce(acc, SumOp(), 0.0);
    if (threadIdx.x == 0) atomicAdd(out, acc);
}
