// Elementwise kernels. Contiguous ones take n (elements); strided ones take a Strided shape whose
// dims the host has already coalesced (rank <= 8). Transcendentals are evaluated in double and
// rounded once, as UnaryOp's Java reference does ((float) Math.exp(x), ...).

// Op codes: must match CudaBackend.unaryCode / binaryCode.
#define U_NEG 0
#define U_ABS 1
#define U_EXP 2
#define U_LOG 3
#define U_SQRT 4
#define U_RSQRT 5
#define U_SQUARE 6
#define U_RECIPROCAL 7
#define U_TANH 8
#define U_SIGMOID 9
#define U_RELU 10
#define U_GELU_TANH 11
#define U_SILU 12

#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_MAX 4
#define B_MIN 5
#define B_EQ 6
#define B_GT 7

#define SQRT_2_OVER_PI 0.7978845608028654f
#define GELU_C 0.044715f

// Shape and element strides of up to two operands: out[idx] = f(a[Σ idx_d·a_d], b[Σ idx_d·b_d]).
struct Strided {
    i64 rank;
    i64 dims[MAX_RANK];
    i64 a[MAX_RANK];
    i64 b[MAX_RANK];
};

__device__ inline float sigmoid_of(float x) { return (float)(1.0 / (1.0 + exp(-(double)x))); }

__device__ float unary_f(int op, float x) {
    switch (op) {
        case U_NEG: return -x;
        case U_ABS: return fabsf(x);
        case U_EXP: return (float)exp((double)x);
        case U_LOG: return (float)log((double)x);
        case U_SQRT: return sqrtf(x);
        case U_RSQRT: return (float)(1.0 / sqrt((double)x));
        case U_SQUARE: return x * x;
        case U_RECIPROCAL: return 1.f / x;
        case U_TANH: return (float)tanh((double)x);
        case U_SIGMOID: return sigmoid_of(x);
        case U_RELU: return x > 0.f ? x : 0.f;
        case U_GELU_TANH: {
            float u = SQRT_2_OVER_PI * (x + GELU_C * x * x * x);
            return 0.5f * x * (1.f + (float)tanh((double)u));
        }
        case U_SILU: return (float)((double)x / (1.0 + exp(-(double)x)));
    }
    return QNAN;  // unknown op: NaN, never silently plausible
}

// f'(x) given x and y = f(x).
__device__ float unary_df(int op, float x, float y) {
    switch (op) {
        case U_NEG: return -1.f;
        case U_ABS: return x > 0.f ? 1.f : (x < 0.f ? -1.f : 0.f);
        case U_EXP: return y;
        case U_LOG: return 1.f / x;
        case U_SQRT: return 0.5f / y;
        case U_RSQRT: return -0.5f * y * y * y;
        case U_SQUARE: return 2.f * x;
        case U_RECIPROCAL: return -y * y;
        case U_TANH: return 1.f - y * y;
        case U_SIGMOID: return y * (1.f - y);
        case U_RELU: return x > 0.f ? 1.f : 0.f;
        case U_GELU_TANH: {
            float x2 = x * x;
            float u = SQRT_2_OVER_PI * (x + GELU_C * x2 * x);
            float t = (float)tanh((double)u);
            float du = SQRT_2_OVER_PI * (1.f + 3.f * GELU_C * x2);
            return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * du;
        }
        case U_SILU: {
            float s = sigmoid_of(x);
            return s * (1.f + x * (1.f - s));
        }
    }
    return QNAN;
}

__device__ float binary_f(int op, float a, float b) {
    switch (op) {
        case B_ADD: return a + b;
        case B_SUB: return a - b;
        case B_MUL: return a * b;
        case B_DIV: return a / b;
        case B_MAX: return java_max(a, b);
        case B_MIN: return java_min(a, b);
        case B_EQ: return a == b ? 1.f : 0.f;
        case B_GT: return a > b ? 1.f : 0.f;
    }
    return QNAN;
}

// x, y: (n). y may alias x.
extern "C" __global__ void unary_forward(const float* x, float* y, i64 n, int op) {
    FOR_EACH(i, n) y[i] = unary_f(op, x[i]);
}

// x, y, dy, dx: (n). dx = dy · f'(x); dx may alias dy.
extern "C" __global__ void unary_backward(const float* x, const float* y, const float* dy, float* dx, i64 n, int op) {
    FOR_EACH(i, n) dx[i] = dy[i] * unary_df(op, x[i], y[i]);
}

// y = alpha·x + beta
extern "C" __global__ void affine(const float* x, float* y, i64 n, float alpha, float beta) {
    FOR_EACH(i, n) y[i] = alpha * x[i] + beta;
}

// y = x^p
extern "C" __global__ void power(const float* x, float* y, i64 n, float p) {
    FOR_EACH(i, n) y[i] = (float)pow((double)x[i], (double)p);
}

// y += alpha·x
extern "C" __global__ void axpy(const float* x, float* y, i64 n, float alpha) {
    FOR_EACH(i, n) y[i] = y[i] + alpha * x[i];
}

// out = cond != 0 ? a : b
extern "C" __global__ void where_select(const float* cond, const float* a, const float* b, float* out, i64 n) {
    FOR_EACH(i, n) out[i] = cond[i] != 0.f ? a[i] : b[i];
}

// out (contiguous, n = volume of s.dims) = a[strided] op b[strided]
extern "C" __global__ void binary_strided(const float* a, const float* b, float* out, i64 n, int op, Strided s) {
    FOR_EACH(i, n) {
        i64 flat = i, oa = 0, ob = 0;
        for (int d = (int)s.rank - 1; d >= 0; d--) {
            i64 idx = flat % s.dims[d];
            flat /= s.dims[d];
            oa += idx * s.a[d];
            ob += idx * s.b[d];
        }
        out[i] = binary_f(op, a[oa], b[ob]);
    }
}

// out (contiguous) = src[strided by s.a]
extern "C" __global__ void copy_strided(const float* src, float* out, i64 n, Strided s) {
    FOR_EACH(i, n) {
        i64 flat = i, off = 0;
        for (int d = (int)s.rank - 1; d >= 0; d--) {
            off += (flat % s.dims[d]) * s.a[d];
            flat /= s.dims[d];
        }
        out[i] = src[off];
    }
}

// SplitMix64 finaliser of seed + (index+1)·golden ratio: bit-identical to DropoutRng.hash.
__device__ inline u64 dropout_hash(u64 seed, u64 index) {
    u64 z = seed + (index + 1ULL) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Inverted dropout: keep x[i]·scale iff uniform(seed, i) >= p, with scale = 1/(1-p) from the host.
extern "C" __global__ void dropout(const float* x, float* y, i64 n, float p, float scale, u64 seed) {
    FOR_EACH(i, n) {
        float u = (float)(dropout_hash(seed, (u64)i) >> 40) * 5.9604644775390625e-8f;  // · 2^-24
        y[i] = u >= p ? x[i] * scale : 0.f;
    }
}
