// Dtype conversion for the bf16 GEMM path: cuBLAS multiplies bf16 copies of the f32 operands
// (f32 accumulation and output), so the GEMM reads half the bytes and runs on bf16 tensor cores.

// x: (n) f32 → y: (n) bf16 bit patterns, rounded to nearest even; NaN stays a (quiet) NaN.
extern "C" __global__ void f32_to_bf16(const float* x, unsigned short* y, i64 n) {
    FOR_EACH(i, n) {
        unsigned int u = __float_as_uint(x[i]);
        if ((u & 0x7fffffffu) > 0x7f800000u) {
            y[i] = (unsigned short)((u >> 16) | 0x40u);
        } else {
            u += 0x7fffu + ((u >> 16) & 1u);
            y[i] = (unsigned short)(u >> 16);
        }
    }
}
