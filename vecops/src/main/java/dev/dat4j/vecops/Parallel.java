package dev.dat4j.vecops;

/**
 * How the Vector API kernels split work over {@link WorkerPool#global()}.
 *
 * <p>Small problems run inline on the calling thread: waking the pool costs tens of microseconds,
 * as much as streaming a few hundred kilobytes. Above {@link #MIN_TASK_ELEMENTS} elements per
 * task, work is cut into a few tasks per thread (more tasks than threads, so a thread slowed down
 * by another process on the machine does not hold everyone back).
 *
 * <p>Element-wise kernels give the same result for any split. Kernels that sum across tasks use
 * {@link #forBlocks} with a block count that depends only on the problem size, never on the
 * thread count, and add the partial results in block order: the same input gives bit-identical
 * output on every run and with any {@code --threads}.
 */
final class Parallel {
    /** Smallest amount of work (elements touched) worth handing to another thread. */
    static final long MIN_TASK_ELEMENTS = 1 << 16;

    /** Tasks per thread when work is split. */
    static final int TASKS_PER_THREAD = 4;

    /** Chunk boundaries are multiples of this many floats (a cache line pair), so tasks do not share lines. */
    private static final long ALIGN = 32;

    private Parallel() {}

    /** Body of a task over the index range [from, to). */
    @FunctionalInterface
    interface Range {
        void run(long from, long to);
    }

    /** Body of a task over the rows [from, to). */
    @FunctionalInterface
    interface Rows {
        void run(int from, int to);
    }

    /** Body of one fixed block. */
    @FunctionalInterface
    interface Block {
        void run(int block);
    }

    /** Runs body over [0, n), split into aligned chunks when n is large. */
    static void forRange(long n, Range body) {
        int tasks = taskCount(n);
        if (tasks <= 1) {
            body.run(0, n);
            return;
        }
        long chunk = ceilDiv(ceilDiv(n, tasks), ALIGN) * ALIGN;
        int used = (int) ceilDiv(n, chunk);
        WorkerPool.global().parallelFor(used, t -> body.run(t * chunk, Math.min(n, (t + 1) * chunk)));
    }

    /** Runs body over rows [0, rows) where each row touches {@code workPerRow} elements. */
    static void forRows(int rows, long workPerRow, Rows body) {
        int tasks = (int) Math.min(rows, taskCount((long) rows * Math.max(1, workPerRow)));
        if (tasks <= 1) {
            body.run(0, rows);
            return;
        }
        int chunk = (rows + tasks - 1) / tasks;
        int used = (rows + chunk - 1) / chunk;
        WorkerPool.global().parallelFor(used, t -> body.run(t * chunk, Math.min(rows, (t + 1) * chunk)));
    }

    /** Runs body(0..blocks-1), in parallel when there is more than one block. */
    static void forBlocks(int blocks, Block body) {
        if (blocks == 1) {
            body.run(0);
            return;
        }
        WorkerPool.global().parallelFor(blocks, body::run);
    }

    /** Number of tasks for {@code work} elements: 1 below the threshold. */
    private static int taskCount(long work) {
        int threads = WorkerPool.global().threads();
        if (threads == 1 || work < 2 * MIN_TASK_ELEMENTS) return 1;
        return (int) Math.min((long) threads * TASKS_PER_THREAD, work / MIN_TASK_ELEMENTS);
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
