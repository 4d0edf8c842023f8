package dev.dat4j.cuda;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one platform thread on which every CUDA call for a device runs.
 *
 * <p>CUDA keeps the current context per OS thread, so all calls go through this thread, which made
 * the device's primary context current once. Callers block until their task has run (which for a
 * kernel means: enqueued on the stream, not finished). Exceptions are rethrown on the caller's
 * thread unchanged. A task that itself calls {@link #call} runs inline, so nesting cannot deadlock.
 */
final class DeviceThread implements AutoCloseable {
    private final ExecutorService executor;
    private volatile Thread thread;

    DeviceThread(String name) {
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(r);
            thread = t;
            return t;
        });
    }

    /** Runs {@code task} on the device thread and returns its result. */
    <T> T call(Callable<T> task) {
        if (Thread.currentThread() == thread) {
            try {
                return task.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new CudaException("device task failed: " + e);
            }
        }
        Future<T> future = executor.submit(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the task is already queued: wait for it so device state stays consistent
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new CudaException("device task failed: " + cause);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code task} on the device thread and waits for it. */
    void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** Stops the thread after the queued tasks have run. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
