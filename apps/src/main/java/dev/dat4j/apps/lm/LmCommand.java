package dev.dat4j.apps.lm;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dat4j lm ...}: language models (DualAttnTransformerLM, TransformerLM). */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = "Language models: DualAttnTransformerLM and the TransformerLM baseline.",
        subcommands = {LmScoreCommand.class})
public final class LmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
