// Interleaved (LLaMA-style) rotary position embedding.

// x, y: (batch, seq, heads, dim), dim even; cos, sin: (>= seq, dim/2). One thread per pair
// (2k, 2k+1) of one head of one token at position t:
//   y[2k] = x[2k]·cos − x[2k+1]·sin,  y[2k+1] = x[2k]·sin + x[2k+1]·cos   (sin negated if inverse).
// y may alias x: each thread reads its pair before writing it.
extern "C" __global__ void rope(const float* x, const float* cos_t, const float* sin_t, float* y,
                                int batch, int seq, int heads, int dim, int inverse) {
    int half = dim / 2;
    FOR_EACH(e, (i64)batch * seq * heads * half) {
        i64 p = e % half, row = e / half;           // row = (b·seq + t)·heads + h
        i64 t = (row / heads) % seq;
        float c = cos_t[t * half + p];
        float s = sin_t[t * half + p];
        if (inverse) s = -s;
        i64 at = row * dim + 2 * p;
        float x0 = x[at], x1 = x[at + 1];
        y[at] = x0 * c - x1 * s;
        y[at + 1] = x0 * s + x1 * c;
    }
}
