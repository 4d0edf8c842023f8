package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.io.UncheckedIOException;

/** {@code dat4j relgames report}: rebuild results.csv and report.html of a learning-curve run. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Rebuild results.csv and report.html of a learning-curve run directory from its",
                "finished cells (cells/*.json). Example: dat4j relgames report --run runs/relgames"})
final class RelgamesReportCommand implements Runnable {

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run directory.")
    Path run;

    @Override
    public void run() {
        if (!Files.isDirectory(run.resolve(GridRunner.CELLS))) {
            throw new UncheckedIOException(new NoSuchFileException(run.resolve(GridRunner.CELLS)
                    + " (no finished cells: is this a relgames curve run directory?)"));
        }
        RunDirectory dir = RunDirectory.open(run);
        GridRunner grid = new GridRunner(dir);
        var results = grid.finished().values();
        grid.writeSummaries(results);
        System.out.println("wrote " + dir.file(RunDirectory.RESULTS) + " and " + dir.file(RunDirectory.REPORT)
                + " from " + results.size() + " cells");
    }
}
