package dev.dat4j.apps.vision;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dat4j vision ...}: image classifiers (VisionDualAttnTransformer, VisionTransformer). */
@Command(name = "vision", mixinStandardHelpOptions = true,
        description = "Image classifiers: VisionDualAttnTransformer and the VisionTransformer baseline.",
        subcommands = {VisionScoreCommand.class})
public final class VisionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
