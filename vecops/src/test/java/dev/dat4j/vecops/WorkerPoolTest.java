package dev.dat4j.vecops;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPoolTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        WorkerPool pool = new WorkerPool(3);
        for (int tasks : new int[] {1, 2, 7, 1000}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
            for (int rep = 0; rep < 20; rep++) pool.parallelFor(tasks, runs::incrementAndGet);
            for (int i = 0; i < tasks; i++) assertEquals(20, runs.get(i), "index " + i + " of " + tasks);
        }
    }

    @Test
    void nestedCallsRunInlineOnTheCallingThread() {
        WorkerPool pool = new WorkerPool(3);
        AtomicInteger notInline = new AtomicInteger(), inner = new AtomicInteger();
        pool.parallelFor(6, i -> {
            Thread outer = Thread.currentThread();
            pool.parallelFor(5, j -> {
                inner.incrementAndGet();
                if (Thread.currentThread() != outer) notInline.incrementAndGet();
            });
        });
        assertEquals(30, inner.get());
        assertEquals(0, notInline.get(), "nested tasks ran on another thread");
    }

    @Test
    void anExceptionInATaskIsRethrownAndThePoolStaysUsable() {
        WorkerPool pool = new WorkerPool(3);
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> pool.parallelFor(50, i -> {
                    if (i == 37) throw boom;
                }));
        assertSame(boom, thrown);
        AtomicInteger count = new AtomicInteger();
        pool.parallelFor(50, i -> count.incrementAndGet());
        assertEquals(50, count.get());
    }

    @Test
    void workRunsOnMoreThanOneThread() {
        WorkerPool pool = new WorkerPool(2);
        java.util.Set<Thread> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int rep = 0; rep < 200 && seen.size() < 2; rep++) {
            pool.parallelFor(64, i -> {
                seen.add(Thread.currentThread());
                long until = System.nanoTime() + 20_000; // 20 µs of work so the worker gets a share
                while (System.nanoTime() < until) Thread.onSpinWait();
            });
        }
        assertTrue(seen.size() >= 2, "all tasks ran on " + seen);
    }
}
