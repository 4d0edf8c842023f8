package dev.dat4j.vecops;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The fixed pool of platform threads that runs CPU kernels (never the common ForkJoin pool).
 *
 * <p>{@link #parallelFor} splits work into {@code tasks} indices that the calling thread and the
 * workers claim dynamically. Calls from inside a worker (nested parallelism) run inline. Kernels
 * decide themselves when a problem is too small to be worth splitting.
 */
public final class WorkerPool {
    private static volatile WorkerPool global = new WorkerPool(defaultThreads());

    private final int threads;
    private final Thread[] workers;
    private final Object lock = new Object();
    private final ThreadLocal<Boolean> insideWorker = ThreadLocal.withInitial(() -> false);

    /**
     * How long an idle thread spins before blocking. Kernels of a training step follow each other
     * within microseconds; a worker that went to sleep on a monitor takes tens of microseconds to
     * wake, which costs more than a whole small kernel (seen as 2-thread GEMMs running at 1-thread
     * speed). Spinning briefly keeps the hand-off cheap; blocking still follows when work stops.
     */
    private static final long SPIN_NANOS = 200_000;

    // The job currently being run: written before generation is bumped, so a thread that sees the
    // new generation sees its job; tasks are claimed through the job's atomics.
    private volatile Job job;
    private volatile long generation;

    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;
        final Thread owner;

        Job(IntConsumer body, int tasks, Thread owner) {
            this.body = body;
            this.tasks = tasks;
            this.owner = owner;
        }

        void runAvailable() {
            int i;
            while ((i = next.getAndIncrement()) < tasks) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    failure = t;
                }
                if (done.incrementAndGet() == tasks) LockSupport.unpark(owner);
            }
        }
    }

    /** Threads used by default: every CPU the JVM may use (the cores of a VM are its vCPUs). */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The process-wide pool used by the CPU kernels. */
    public static WorkerPool global() {
        return global;
    }

    /** Replaces the process-wide pool (the CLI's {@code --threads}). */
    public static synchronized void setGlobalThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        if (global.threads == threads) return;
        WorkerPool old = global;
        global = new WorkerPool(threads);
        old.shutdown();
    }

    public WorkerPool(int threads) {
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = Thread.ofPlatform().daemon().name("dat4j-worker-" + w).start(this::workerLoop);
        }
    }

    /** Number of threads work is spread over (workers + the calling thread). */
    public int threads() {
        return threads;
    }

    /** Runs body(0..tasks-1), spread over the pool; returns when all are done, rethrowing a failure. */
    public void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        if (tasks == 1 || workers.length == 0 || insideWorker.get()) {
            for (int i = 0; i < tasks; i++) body.accept(i);
            return;
        }
        synchronized (this) { // one job at a time per pool
            Job j = new Job(body, tasks, Thread.currentThread());
            synchronized (lock) {
                job = j;
                generation++;
                lock.notifyAll();
            }
            insideWorker.set(true);
            try {
                j.runAvailable();
            } finally {
                insideWorker.set(false);
            }
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (j.done.get() < tasks) {
                if (System.nanoTime() < deadline) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            job = null;
            if (j.failure instanceof RuntimeException re) throw re;
            if (j.failure instanceof Error e) throw e;
            if (j.failure != null) throw new IllegalStateException(j.failure);
        }
    }

    private void workerLoop() {
        insideWorker.set(true);
        long seen = 0;
        while (!Thread.currentThread().isInterrupted()) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (generation == seen && System.nanoTime() < deadline) Thread.onSpinWait();
            if (generation == seen) {
                synchronized (lock) {
                    while (generation == seen) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }
            seen = generation;
            Job j = job;
            if (j != null) j.runAvailable();
        }
    }

    private void shutdown() {
        for (Thread w : workers) w.interrupt();
    }
}
