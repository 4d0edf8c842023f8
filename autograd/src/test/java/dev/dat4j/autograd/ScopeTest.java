package dev.dat4j.autograd;

import dev.dat4j.vecops.Backends;
import dev.dat4j.vecops.CpuMemoryScope;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ScopeTest {

    @Test
    void childScopesRecycleMemoryThroughTheRoot() {
        long before = CpuMemoryScope.liveBytes();
        try (Scope _ = Scope.open(Backends.cpu())) {
            long afterFirst = -1;
            for (int i = 0; i < 50; i++) {
                try (Scope _ = Scope.open()) {
                    Tensor.zeros(1000);                  // small: carved from a chunk
                    Tensor.zeros(3_000_000);             // large: a block of its own
                    try (Scope _ = Scope.open()) {
                        Tensor.ones(10);
                    }
                }
                if (i == 0) afterFirst = CpuMemoryScope.liveBytes();
            }
            assertEquals(afterFirst, CpuMemoryScope.liveBytes());
        }
        assertEquals(before, CpuMemoryScope.liveBytes(), "closing the root frees everything");
    }

    @Test
    void allocationsAreAlignedAndDisjoint() {
        try (Scope _ = Scope.open(Backends.cpu())) {
            Tensor a = Tensor.full(1f, 3), b = Tensor.full(2f, 5);
            assertEquals(0, a.segment().address() % 64);
            assertEquals(0, b.segment().address() % 64);
            assertArrayEquals(new float[] {1, 1, 1}, a.toFloatArray());
            assertArrayEquals(new float[] {2, 2, 2, 2, 2}, b.toFloatArray());
        }
    }

    @Test
    void scopesMustCloseInOrder() {
        try (Scope root = Scope.open(Backends.cpu())) {
            Scope outer = Scope.open();
            Scope inner = Scope.open();
            IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
            assertTrue(e.getMessage().contains("reverse order"));
            inner.close();
            outer.close();
            assertSame(root, Scope.current());
        }
    }
}
