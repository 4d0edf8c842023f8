package dev.dat4j.apps.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The per-kernel table of {@code bench train-step --profile}. */
final class ProfileReport {
    private ProfileReport() {}

    /**
     * Prints kernels by time (ms per step, share of the step, calls per step) to stderr, with the
     * time outside all kernels as "(outside kernels)"; returns {kernel: ms per step}.
     */
    static Map<String, Object> print(ProfilingBackend p, int steps, double totalMs) {
        List<Map.Entry<String, ProfilingBackend.Entry>> rows = new ArrayList<>(p.entries().entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue().nanos, a.getValue().nanos));
        double kernelMs = rows.stream().mapToDouble(e -> e.getValue().nanos / 1e6).sum();
        Map<String, Object> out = new LinkedHashMap<>();
        System.err.printf(Locale.ROOT, "%-28s %10s %7s %10s%n", "kernel", "ms/step", "share", "calls/step");
        for (var e : rows) {
            double ms = e.getValue().nanos / 1e6 / steps;
            System.err.printf(Locale.ROOT, "%-28s %10.2f %6.1f%% %10.1f%n", e.getKey(), ms, 100 * ms * steps / totalMs,
                    (double) e.getValue().calls / steps);
            out.put(e.getKey(), TrainStepCommand.round(ms));
        }
        double outside = (totalMs - kernelMs) / steps;
        System.err.printf(Locale.ROOT, "%-28s %10.2f %6.1f%%%n", "(outside kernels)", outside, 100 * outside * steps / totalMs);
        out.put("(outside kernels)", TrainStepCommand.round(outside));
        return out;
    }
}
