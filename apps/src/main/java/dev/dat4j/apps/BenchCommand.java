package dev.dat4j.apps;

import dev.dat4j.apps.bench.TrainStepCommand;
import picocli.CommandLine.Command;

/** {@code dat4j bench ...}: quick benchmarks printing one JSON line each. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Quick benchmarks. Each prints progress, then exactly one JSON line as its last line.",
                "For rigorous per-kernel numbers use the JMH suite in bench/ (see docs/BENCHMARKS.md)."},
        subcommands = {BenchGemmCommand.class, TrainStepCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
