#!/usr/bin/env python3
"""Reference GEMM throughput on the GPU host: torch.matmul at n^3 (default 4096) for f32, tf32 and bf16.

Same protocol as `dat4j bench gemm --device cuda` and dev.dat4j.cuda.CudaGemmBenchmark: warm-up,
then `iters` back-to-back matmuls timed with CUDA events. --fill constant (A = 0.5, B = 0.25) or
random (uniform in [-1, 1)): tensor cores draw less power on constant data and so clock higher.
bf16 is timed twice: torch.matmul's bf16 output, and, where torch offers out_dtype, an f32 output
like dat4j's (its GEMM always writes f32).
--host-timed times instead exactly as `dat4j bench gemm` does on a GPU: 5 warm-up calls, then 15
samples of 50 back-to-back calls, each closed by a synchronize and timed on the host clock; the
median sample (and the fastest) per call. `iters` is then ignored.
Usage: python3 bench/gpu_gemm_torch.py [n] [iters] [--fill random|constant] [--cases NAME,...] [--host-timed]
(--cases: a comma-separated subset of f32, tf32, bf16, bf16-f32out; default all.)
"""
import sys
import time

import torch


def operands(n, dtype, fill):
    if fill == "constant":
        return (torch.full((n, n), 0.5, device="cuda", dtype=dtype),
                torch.full((n, n), 0.25, device="cuda", dtype=dtype))
    g = torch.Generator(device="cuda").manual_seed(0)
    return (torch.rand((n, n), device="cuda", generator=g).mul_(2).sub_(1).to(dtype),
            torch.rand((n, n), device="cuda", generator=g).mul_(2).sub_(1).to(dtype))


def time_matmul(n, iters, dtype, allow_tf32, fill, matmul, host_timed):
    torch.backends.cuda.matmul.allow_tf32 = allow_tf32
    a, b = operands(n, dtype, fill)
    if host_timed:
        return host_timed_matmul(n, a, b, matmul)
    for _ in range(3):
        c = matmul(a, b)
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        c = matmul(a, b)
    end.record()
    torch.cuda.synchronize()
    ms = start.elapsed_time(end) / iters
    return ms, 2.0 * n ** 3 / (ms / 1e3) / 1e12, c, ""


def host_timed_matmul(n, a, b, matmul, warmup=5, samples=15, calls=50):
    """dat4j bench gemm's GPU protocol: median of `samples` host-timed samples of `calls` calls."""
    for _ in range(warmup):
        c = matmul(a, b)
    torch.cuda.synchronize()
    per_call = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(calls):
            c = matmul(a, b)
        torch.cuda.synchronize()
        per_call.append((time.perf_counter() - t0) * 1e3 / calls)
    per_call.sort()
    ms = per_call[samples // 2]
    note = f" [host-timed: median of {samples} samples of {calls} calls, fastest {per_call[0]:.4f} ms]"
    return ms, 2.0 * n ** 3 / (ms / 1e3) / 1e12, c, note


def main():
    args = [x for x in sys.argv[1:] if not x.startswith("--")]
    fill = "constant"
    if "--fill" in sys.argv:
        fill = sys.argv[sys.argv.index("--fill") + 1]
        args.remove(fill)
    wanted = None
    if "--cases" in sys.argv:
        wanted = sys.argv[sys.argv.index("--cases") + 1]
        args.remove(wanted)
        wanted = set(wanted.split(","))
    host_timed = "--host-timed" in sys.argv
    n = int(args[0]) if len(args) > 0 else 4096
    iters = int(args[1]) if len(args) > 1 else 20
    plain = torch.matmul
    f32_out = lambda a, b: torch.mm(a, b, out_dtype=torch.float32)
    cases = [("f32", "f32", torch.float32, False, plain), ("tf32", "tf32", torch.float32, True, plain),
             ("bf16", "bf16", torch.bfloat16, False, plain),
             ("bf16-f32out", "bf16 (f32 out)", torch.bfloat16, False, f32_out)]
    if wanted is not None and not wanted <= {c[0] for c in cases}:
        sys.exit(f"--cases {','.join(sorted(wanted))}: expected a subset of {[c[0] for c in cases]}")
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}, fill {fill}")
    for key, name, dtype, tf32, mm in cases:
        if wanted is not None and key not in wanted:
            continue
        try:
            ms, tflops, c, note = time_matmul(n, iters, dtype, tf32, fill, mm, host_timed)
        except (TypeError, RuntimeError) as e:
            print(f"torch gemm {name} n={n}: not available ({str(e).splitlines()[0]})")
            continue
        check = f"c[0]={float(c[0, 0]):.1f}, expected {0.125 * n:.1f}" if fill == "constant" else f"c.dtype={c.dtype}"
        print(f"torch gemm {name} n={n}: {ms:.4f} ms/iter, {tflops:.1f} TFLOP/s ({check}){note}")


if __name__ == "__main__":
    main()
