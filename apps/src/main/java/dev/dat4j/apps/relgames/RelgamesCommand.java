package dev.dat4j.apps.relgames;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dat4j relgames ...}: the Relational Games benchmark (Shanahan et al. 2020) of the DAT paper. */
@Command(name = "relgames", mixinStandardHelpOptions = true,
        description = {"Relational Games: 36x36 images of 3x3 object grids, binary relational questions.",
                "Train on pentominoes, test out of distribution on hexominoes and stripes."},
        subcommands = {RelgamesTrainCommand.class, RelgamesCurveCommand.class, RelgamesGenerateCommand.class, RelgamesCheckCommand.class, RelgamesReportCommand.class})
public final class RelgamesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
