package dev.dat4j.vecops;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Chooses a backend from a device string: {@code cpu}, {@code cpu-scalar}, {@code cuda}, {@code cuda:N}. */
public final class Backends {
    private static final VectorBackend CPU = new VectorBackend();

    private Backends() {}

    /** The default CPU backend (Vector API). */
    public static Backend cpu() {
        return CPU;
    }

    /** Backend providers registered on the class path (e.g. CUDA). */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(list::add);
        return list;
    }

    /**
     * Opens the backend named by {@code device}. A GPU that cannot be used is an error naming the
     * reason — never a silent fallback to the CPU.
     */
    public static Backend open(String device) {
        String d = device.trim().toLowerCase();
        if (d.equals("cpu")) return CPU;
        if (d.equals("cpu-scalar")) return new ScalarBackend();
        String type = d.contains(":") ? d.substring(0, d.indexOf(':')) : d;
        int index = 0;
        if (d.contains(":")) {
            try {
                index = Integer.parseInt(d.substring(d.indexOf(':') + 1));
            } catch (NumberFormatException e) {
                throw new BackendUnavailableException("device '" + device + "': expected cpu, cuda or cuda:N with N a number");
            }
        }
        for (BackendProvider p : providers()) {
            if (p.deviceType().equals(type)) return p.open(index);
        }
        if (type.equals("cuda")) {
            throw new BackendUnavailableException("device '" + device + "': the CUDA backend (module ffm-cuda) is not on the class path");
        }
        throw new BackendUnavailableException("unknown device '" + device + "': expected cpu, cpu-scalar, cuda or cuda:N");
    }
}
