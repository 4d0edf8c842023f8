// Dtype conversion for the bf16 GEMM path: cuBLAS multiplies bf16 copies of the f32 operands
// (f32 accumulation; f32 or bf16 output), so the GEMM reads half the bytes and runs on bf16 tensor
// cores; bf16_to_f32 reads a bf16 result back.

// f32 → bf16 bit pattern, rounded to nearest even; NaN stays a (quiet) NaN.
__device__ inline unsigned int bf16_bits(float x) {
    unsigned int u = __float_as_uint(x);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (u >> 16) | 0x40u;
    u += 0x7fffu + ((u >> 16) & 1u);
    return u >> 16;
}

// x: (n) f32 → y: (n) bf16. Memory-bound: when y is 4-byte aligned (always for whole buffers),
// each step converts a pair and stores it as one 32-bit word (element 2i in the low half).
extern "C" __global__ void f32_to_bf16(const float* x, unsigned short* y, i64 n) {
    if (((u64)y & 3u) != 0) {
        FOR_EACH(i, n) y[i] = (unsigned short)bf16_bits(x[i]);
        return;
    }
    unsigned int* pairs = (unsigned int*)y;
    FOR_EACH(i, n / 2) pairs[i] = bf16_bits(x[2 * i]) | (bf16_bits(x[2 * i + 1]) << 16);
    if ((n & 1) && blockIdx.x == 0 && threadIdx.x == 0) y[n - 1] = (unsigned short)bf16_bits(x[n - 1]);
}

// x: (n) bf16 → y: (n) f32. Exact: a bf16 is the upper half of the f32 with the same value.
extern "C" __global__ void bf16_to_f32(const unsigned short* x, float* y, i64 n) {
    FOR_EACH(i, n) y[i] = __uint_as_float((unsigned int)x[i] << 16);
}
