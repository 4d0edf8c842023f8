package dev.dat4j.cuda;

import dev.dat4j.vecops.BackendProvider;
import dev.dat4j.vecops.BackendUnavailableException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Registers the CUDA backend with {@link dev.dat4j.vecops.Backends} (ServiceLoader). One
 * {@link CudaBackend} per device is created on first {@link #open} and shared, so each GPU has
 * exactly one owner thread however often it is opened.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static final Map<Integer, CudaBackend> OPEN = new HashMap<>();

    @Override
    public String deviceType() {
        return "cuda";
    }

    /**
     * Why CUDA cannot be used, or null when it can: the libraries that failed to load (with every
     * path tried), or the driver's error.
     */
    public static String unavailableReason() {
        List<String> failures = new ArrayList<>();
        for (NativeLibraries.Result r : NativeLibraries.all()) {
            if (!r.loaded()) failures.add(r.failure());
        }
        if (!failures.isEmpty()) {
            return "unavailable: " + String.join("\n  ", failures)
                    + "\n  (set -D" + NativeLibraries.LIBDIR_PROPERTY + "=DIR or " + NativeLibraries.LIBDIR_ENV
                    + "=DIR to add folders)";
        }
        try {
            CudaDriver.init();
            if (CudaDriver.deviceCount() == 0) return "unavailable: the CUDA driver found no GPU";
        } catch (CudaException e) {
            return "unavailable: " + e.getMessage();
        }
        return null;
    }

    @Override
    public String describe() {
        String reason = unavailableReason();
        if (reason != null) return reason;
        StringBuilder sb = new StringBuilder();
        int driver = CudaDriver.driverVersion();
        int count = CudaDriver.deviceCount();
        sb.append(count).append(" GPU(s); driver supports CUDA ").append(driver / 1000).append('.').append(driver % 1000 / 10)
                .append(", NVRTC ").append(Nvrtc.version());
        for (int i = 0; i < count; i++) {
            int dev = CudaDriver.device(i);
            int cc = CudaDriver.computeCapability(dev);
            sb.append("\n           cuda:").append(i).append(' ').append(CudaDriver.deviceName(dev))
                    .append(", ").append(CudaDriver.totalMemory(dev) >> 20).append(" MiB")
                    .append(", compute capability ").append(cc / 10).append('.').append(cc % 10)
                    .append(", ").append(CudaDriver.multiprocessorCount(dev)).append(" SMs");
        }
        sb.append("\n           libraries: ");
        for (NativeLibraries.Result r : NativeLibraries.all()) sb.append(r.loadedFrom()).append(' ');
        return sb.toString().trim();
    }

    @Override
    public CudaBackend open(int index) {
        synchronized (OPEN) {
            CudaBackend b = OPEN.get(index);
            if (b != null && !b.isClosed()) return b;
            String reason = unavailableReason();
            if (reason != null) throw new BackendUnavailableException("cuda:" + index + " " + reason);
            try {
                b = new CudaBackend(CudaDevice.open(index));
            } catch (CudaException | IllegalArgumentException e) {
                throw new BackendUnavailableException("cuda:" + index + " cannot be opened: " + e.getMessage(), e);
            }
            OPEN.put(index, b);
            return b;
        }
    }
}
