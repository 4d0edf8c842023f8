package dev.dat4j.apps;

import dev.dat4j.vecops.Backend;
import dev.dat4j.vecops.Backends;
import dev.dat4j.vecops.WorkerPool;
import picocli.CommandLine.Option;

/**
 * {@code --device} and {@code --threads} without {@code --seed} (picocli mixin), for commands that
 * take several seeds ({@code relgames curve}); the options mean what they mean in {@link GlobalOptions}.
 */
public final class DeviceOptions {

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEV",
            description = "Where to compute: cpu or cuda[:N] (default: ${DEFAULT-VALUE}).")
    public String device;

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU threads for kernels (default: all available CPUs, here ${sys:dat4j.cpus}).")
    public Integer threads;

    static {
        System.setProperty("dat4j.cpus", Integer.toString(WorkerPool.defaultThreads()));
    }

    /** Applies --threads and opens --device. */
    public Backend backend() {
        if (threads != null) WorkerPool.setGlobalThreads(threads);
        return Backends.open(device);
    }

    /** Threads the CPU kernels use after {@link #backend()}. */
    public int effectiveThreads() {
        return WorkerPool.global().threads();
    }
}
