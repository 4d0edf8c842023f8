#!/usr/bin/env python3
"""Reference GEMM throughput on the GPU host: torch.matmul at n^3 (default 4096) for f32, tf32 and bf16.

Same protocol as dev.dat4j.cuda.CudaGemmBenchmark: warm-up, then `iters` back-to-back matmuls
timed with CUDA events. Usage: python3 bench/gpu_gemm_torch.py [n] [iters]
"""
import sys

import torch


def time_matmul(n, iters, dtype, allow_tf32):
    torch.backends.cuda.matmul.allow_tf32 = allow_tf32
    a = torch.full((n, n), 0.5, device="cuda", dtype=dtype)
    b = torch.full((n, n), 0.25, device="cuda", dtype=dtype)
    for _ in range(3):
        c = a @ b
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        c = a @ b
    end.record()
    torch.cuda.synchronize()
    ms = start.elapsed_time(end) / iters
    return ms, 2.0 * n ** 3 / (ms / 1e3) / 1e12, float(c[0, 0])


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    iters = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}")
    for name, dtype, tf32 in (("f32", torch.float32, False), ("tf32", torch.float32, True), ("bf16", torch.bfloat16, False)):
        ms, tflops, c00 = time_matmul(n, iters, dtype, tf32)
        print(f"torch gemm {name} n={n}: {ms:.3f} ms/iter, {tflops:.1f} TFLOP/s (c[0]={c00:.1f}, expected {0.125 * n:.1f})")


if __name__ == "__main__":
    main()
