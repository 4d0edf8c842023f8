package dev.dat4j.apps;

import dev.dat4j.apps.lm.LmCommand;
import dev.dat4j.apps.relgames.DemoCommand;
import dev.dat4j.apps.relgames.RelgamesCommand;
import dev.dat4j.apps.vision.VisionCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code dat4j} command line. */
@Command(name = "dat4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Dual Attention Transformer engine for Java: train and run DAT models on CPU (Vector API) or GPU (CUDA).",
                "",
                "Start with 'dat4j demo'; every subcommand has --help."},
        subcommands = {DemoCommand.class, InfoCommand.class, RelgamesCommand.class, LmCommand.class, VisionCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, with errors printed as one clear message (no stack traces). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("dat4j: " + UserError.describe(ex));
            if (System.getenv("DAT4J_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 2;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"dat4j " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
