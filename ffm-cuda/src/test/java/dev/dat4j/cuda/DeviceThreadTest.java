package dev.dat4j.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The owner-thread executor, without a GPU: ordering, one thread, inline nesting, deferred async failures. */
class DeviceThreadTest {

    @Test
    void tasksRunInOrderOnOneThread() {
        try (DeviceThread t = new DeviceThread("test-device")) {
            List<Integer> seen = new ArrayList<>();   // touched only by the device thread
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {           // more than the queue holds: submitters wait for room
                int v = i;
                t.submit(() -> {
                    seen.add(v);
                    threads.add(Thread.currentThread());
                });
            }
            int size = t.call(seen::size);
            assertEquals(5000, size);
            assertEquals(t.call(() -> new ArrayList<>(seen)), java.util.stream.IntStream.range(0, 5000).boxed().toList());
            Thread device = t.call(Thread::currentThread);
            assertTrue(device != Thread.currentThread() && !device.isVirtual(), "a separate platform thread");
            assertEquals(1L, (long) t.call(() -> threads.stream().distinct().count()));
            assertSame(device, t.call(threads::getFirst));
        }
    }

    @Test
    void nestedCallsRunInline() {
        try (DeviceThread t = new DeviceThread("test-device")) {
            Thread inner = t.call(() -> t.call(Thread::currentThread));
            assertSame(inner, t.call(Thread::currentThread));
        }
    }

    @Test
    void callsRethrowTheTasksException() {
        try (DeviceThread t = new DeviceThread("test-device")) {
            var e = assertThrows(IllegalArgumentException.class, () -> t.run(() -> {
                throw new IllegalArgumentException("bad shape");
            }));
            assertEquals("bad shape", e.getMessage());
            assertEquals(7, t.call(() -> 7)); // still usable
        }
    }

    @Test
    void aFailedSubmittedTaskIsReportedByTheNextCallOnce() {
        try (DeviceThread t = new DeviceThread("test-device")) {
            t.submit(() -> {
                throw new CudaException("cuLaunchKernel", 1, "CUDA_ERROR_INVALID_VALUE", "invalid argument");
            });
            var e = assertThrows(CudaException.class, () -> t.call(() -> 1));
            assertTrue(e.getMessage().startsWith("an earlier asynchronous CUDA op failed"), e.getMessage());
            assertTrue(e.getMessage().contains("CUDA_ERROR_INVALID_VALUE"), e.getMessage());
            assertEquals(1, e.status());
            assertEquals(2, t.call(() -> 2)); // reported once, then cleared
        }
    }
}
