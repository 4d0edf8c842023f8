package dev.dat4j.cuda;

import dev.dat4j.vecops.BackendProvider;
import dev.dat4j.vecops.BackendUnavailableException;
import dev.dat4j.vecops.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs everywhere: with a GPU it must describe it; without one, say exactly why and where it looked. */
class CudaBackendProviderTest {

    @Test
    void registeredThroughServiceLoader() {
        long cuda = Backends.providers().stream().map(BackendProvider::deviceType).filter("cuda"::equals).count();
        assertEquals(1, cuda);
    }

    @Test
    void describesGpusOrExplainsWhyNone() {
        String description = new CudaBackendProvider().describe();
        if (CudaBackendProvider.unavailableReason() == null) {
            assertTrue(description.contains("cuda:0") && description.contains("compute capability"), description);
            return;
        }
        assertTrue(description.startsWith("unavailable: "), description);
        boolean driverMissing = !NativeLibraries.driver().loaded();
        if (driverMissing) {
            // every probed location of the driver is listed, with the reason it failed
            assertTrue(description.contains("libcuda.so.1 could not be loaded; tried:"), description);
            assertTrue(description.contains("/usr/local/nvidia/lib64/libcuda.so.1: no such file"), description);
            assertTrue(description.contains("/usr/local/cuda/lib64/libcuda.so.1"), description);
            assertTrue(description.contains("via the dynamic linker cache"), description);
        }
        assertTrue(description.contains(NativeLibraries.LIBDIR_PROPERTY), "names the override: " + description);
    }

    @Test
    void openingWithoutAGpuFailsWithTheReason() {
        String reason = CudaBackendProvider.unavailableReason();
        if (reason == null) return; // a GPU is present: CudaMemoryTest covers opening it
        var e = assertThrows(BackendUnavailableException.class, () -> Backends.open("cuda:0"));
        assertTrue(e.getMessage().startsWith("cuda:0 unavailable: "), e.getMessage());
        assertTrue(e.getMessage().contains("tried"), e.getMessage());
    }

    @Test
    void failedProbesListEveryAttempt() {
        NativeLibraries.Result r = NativeLibraries.driver();
        if (r.loaded()) return;
        assertTrue(r.attempts().size() >= 5, r.failure());
        assertTrue(r.attempts().stream().anyMatch(a -> a.contains("/usr/local/cuda/targets/x86_64-linux/lib")), r.failure());
    }
}
