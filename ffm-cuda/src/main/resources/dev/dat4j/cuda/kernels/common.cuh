// Shared prelude, prepended by KernelLibrary to every kernel file before NVRTC compiles it
// (C++17, --fmad=false so that a*b + c rounds twice, exactly like the Java reference).
//
// Conventions: row-major contiguous float32 tensors; int32 for ids/targets; element counts that
// can exceed 2^31 are long long; every kernel is extern "C" so Java finds it by its plain name.
// Block sizes are multiples of 32 (block_reduce relies on full warps).

typedef long long i64;
typedef unsigned long long u64;

#define MAX_RANK 8

// Spelled as bit patterns: NVRTC programs include no headers (no <math.h> INFINITY/NAN).
#define POS_INF __int_as_float(0x7f800000)
#define NEG_INF __int_as_float(0xff800000)
#define QNAN __int_as_float(0x7fc00000)

// Grid-stride loop over [0, n): any grid size covers any n.
#define FOR_EACH(i, n) \
    for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (i64)(n); i += (i64)gridDim.x * blockDim.x)

// Java's Math.max / Math.min on floats: NaN wins, and +0 > -0.
__device__ inline float java_max(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.f && b == 0.f) return (__float_as_int(a) < 0) ? b : a;
    return a >= b ? a : b;
}

__device__ inline float java_min(float a, float b) {
    if (a != a) return a;
    if (b != b) return b;
    if (a == 0.f && b == 0.f) return (__float_as_int(a) < 0) ? a : b;
    return a <= b ? a : b;
}

struct SumOp { template <typename T> __device__ T operator()(T a, T b) const { return a + b; } };
struct MaxOp { __device__ float operator()(float a, float b) const { return java_max(a, b); } };
struct MinOp { __device__ float operator()(float a, float b) const { return java_min(a, b); } };

// Reduces v over the whole (1-D) block; every thread receives the result. identity: op's neutral value.
template <typename T, typename Op>
__device__ T block_reduce(T v, Op op, T identity) {
    __shared__ T partial[32];
    for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    __syncthreads();                      // a previous call may still be reading partial[]
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    v = lane < warps ? partial[lane] : identity;
    for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ inline float block_sum(float v) { return block_reduce(v, SumOp(), 0.f); }
__device__ inline float block_max(float v) { return block_reduce(v, MaxOp(), NEG_INF); }

// Records position p as bad (the smallest bad position wins). err: one u64, all ones = no error.
__device__ inline void report_bad(u64* err, i64 p) { atomicMin(err, (u64)p); }
