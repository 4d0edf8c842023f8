package dev.dat4j.apps;

import dev.dat4j.vecops.BackendProvider;
import dev.dat4j.vecops.Backends;
import dev.dat4j.vecops.VectorBackend;
import dev.dat4j.vecops.WorkerPool;
import jdk.incubator.vector.FloatVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code dat4j info}: what this machine offers dat4j. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the JDK, the Vector API species, CPU threads and whether a CUDA GPU can be used (and if not, why).")
final class InfoCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        if (global.threads != null) WorkerPool.setGlobalThreads(global.threads);
        System.out.println("dat4j      " + new Main.Version().getVersion()[0]);
        System.out.println("java       " + System.getProperty("java.vm.name") + " " + Runtime.version()
                + " (" + System.getProperty("java.home") + ")");
        System.out.println("os         " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        System.out.println("vector API preferred species " + FloatVector.SPECIES_PREFERRED
                + ": " + VectorBackend.vectorBits() + "-bit, " + FloatVector.SPECIES_PREFERRED.length() + " floats");
        System.out.println("cpu        " + Runtime.getRuntime().availableProcessors() + " CPUs available, "
                + WorkerPool.global().threads() + " kernel threads; backend " + Backends.cpu().name());
        System.out.println("memory     max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB (tensors live off-heap)");
        List<BackendProvider> providers = Backends.providers();
        if (providers.stream().noneMatch(p -> p.deviceType().equals("cuda"))) {
            System.out.println("cuda       unavailable: the CUDA backend (module ffm-cuda) is not on the class path");
        }
        for (BackendProvider p : providers) {
            System.out.println(String.format("%-10s %s", p.deviceType(), p.describe()));
        }
    }
}
