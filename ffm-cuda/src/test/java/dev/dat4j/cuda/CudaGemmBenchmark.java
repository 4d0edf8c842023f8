package dev.dat4j.cuda;

import dev.dat4j.vecops.Buffer;
import dev.dat4j.vecops.MemoryScope;

import java.util.Locale;

/**
 * Times the backend's square GEMM on the GPU for each {@link GemmPrecision} (not a JUnit test; run
 * by ffm-cuda/gpu/run-gpu-tests.sh). Each timing covers {@code iters} back-to-back GEMMs on the
 * stream, closed by a synchronize, after warm-up. Usage: {@code CudaGemmBenchmark [n] [iters]}.
 */
public final class CudaGemmBenchmark {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int iters = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String reason = CudaBackendProvider.unavailableReason();
        if (reason != null) {
            System.out.println("gemm benchmark skipped: " + reason);
            return;
        }
        CudaBackend gpu = new CudaBackendProvider().open(0);
        try (MemoryScope scope = gpu.newScope()) {
            long size = (long) n * n;
            Buffer a = scope.allocate(size), b = scope.allocate(size), c = scope.allocate(size);
            gpu.fill(a, size, 0.5f);
            gpu.fill(b, size, 0.25f);
            for (GemmPrecision p : GemmPrecision.values()) {
                gpu.setGemmPrecision(p);
                for (int i = 0; i < 3; i++) gpu.gemm(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
                gpu.synchronize();
                long t0 = System.nanoTime();
                for (int i = 0; i < iters; i++) gpu.gemm(false, false, n, n, n, 1f, a, n, b, n, 0f, c, n);
                gpu.synchronize();
                double seconds = (System.nanoTime() - t0) / 1e9;
                double tflops = 2.0 * n * n * (double) n * iters / seconds / 1e12;
                float[] probe = new float[1];
                gpu.read(c, probe);
                System.out.println(String.format(Locale.ROOT, "dat4j cuda gemm %s n=%d: %.3f ms/iter, %.1f TFLOP/s (c[0]=%.1f, expected %.1f)",
                        p.name().toLowerCase(Locale.ROOT), n, seconds * 1e3 / iters, tflops, probe[0], 0.125 * n));
            }
            gpu.setGemmPrecision(GemmPrecision.F32);

            // Per-op cost of a tiny kernel: the owner-thread handoff plus cuLaunchKernel.
            Buffer x = scope.allocate(1024);
            for (int i = 0; i < 2000; i++) gpu.axpy(1024, 0.5f, x, x);
            gpu.synchronize();
            int ops = 20_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) gpu.axpy(1024, 0.5f, x, x);
            long enqueued = System.nanoTime();
            gpu.synchronize();
            long done = System.nanoTime();
            System.out.println(String.format(Locale.ROOT, "dat4j cuda small op (axpy, 1024 floats): %.2f us/op to enqueue, %.2f us/op until done",
                    (enqueued - t0) / 1e3 / ops, (done - t0) / 1e3 / ops));
        }
    }
}
