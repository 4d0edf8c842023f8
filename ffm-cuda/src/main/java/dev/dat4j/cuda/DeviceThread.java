package dev.dat4j.cuda;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one platform thread on which every CUDA call for a device runs.
 *
 * <p>CUDA keeps the current context per OS thread, so all calls go through this thread, which made
 * the device's primary context current once. Tasks run in submission order. Two ways in:
 * <ul>
 *   <li>{@link #call}/{@link #run}: the caller blocks until the task has run and gets its result
 *       or its exception (for a kernel, "has run" means: enqueued on the stream).
 *   <li>{@link #submit}: fire-and-forget, for ops whose arguments were validated on the caller's
 *       thread and that return nothing. Handing a task over and waiting for it costs two thread
 *       wake-ups (~17 µs measured on the H200 host), several times a kernel launch; not waiting
 *       lets the caller run ahead while this thread launches. If such a task fails, the failure is
 *       thrown by the next {@link #call}/{@link #run} (after its own task ran) or {@link #submit},
 *       like CUDA's own asynchronous errors.
 * </ul>
 * A task that itself calls {@link #call} runs inline, so nesting cannot deadlock. At most
 * {@link #QUEUE} tasks wait; beyond that, submitters block until there is room.
 */
final class DeviceThread implements AutoCloseable {
    static final int QUEUE = 1024;

    private final ThreadPoolExecutor executor;
    private volatile Thread thread;
    /** The first failure of a submitted task not yet reported to a caller. */
    private volatile RuntimeException asyncFailure;

    DeviceThread(String name) {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = Thread.ofPlatform().name(name).daemon(true).unstarted(r);
            thread = t;
            return t;
        }, (task, pool) -> {
            if (pool.isShutdown()) throw new RejectedExecutionException("the CUDA device thread has stopped");
            try {
                pool.getQueue().put(task); // queue full: wait for room (back-pressure)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("interrupted while waiting to enqueue CUDA work", e);
            }
        });
    }

    /** Runs {@code task} on the device thread and returns its result. */
    <T> T call(Callable<T> task) {
        if (Thread.currentThread() == thread) return callInline(task);
        rethrowAsyncFailure();
        Future<T> future = executor.submit(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    T result = future.get();
                    rethrowAsyncFailure(); // tasks submitted before this one have all run by now
                    return result;
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

    /** Queues {@code task} without waiting; a failure surfaces at the next call (see class comment). */
    void submit(Runnable task) {
        if (Thread.currentThread() == thread) {
            task.run();
            return;
        }
        rethrowAsyncFailure();
        executor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (asyncFailure == null) asyncFailure = e;
            }
        });
    }

    private void rethrowAsyncFailure() {
        RuntimeException failure = asyncFailure;
        if (failure != null) {
            asyncFailure = null;
            throw new CudaException("an earlier asynchronous CUDA op failed (run with -Ddat4j.cuda.sync=true to "
                    + "report it at the op itself): " + failure.getMessage(), failure);
        }
    }

    private static <T> T callInline(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new CudaException("device task failed: " + e);
        }
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
