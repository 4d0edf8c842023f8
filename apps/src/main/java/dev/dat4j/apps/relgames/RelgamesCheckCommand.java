package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.ProgressLine;
import dev.dat4j.autograd.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dat4j relgames check}: validate an .npz against the renderer and the task rules. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Decode every image of a Relational Games .npz into objects, re-render it and compare",
                "pixel by pixel, and re-derive every label from the task's rule. Prints progress, the first",
                "problems found (if any), then one JSON line with images, rerender_exact, label_agreement, ...",
                "Exit status 0 when everything agrees, 1 otherwise. Example:",
                "  dat4j relgames check --data mini_between_hexos.npz"})
final class RelgamesCheckCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "FILE.npz", description = "The file to check.")
    Path data;

    @Option(names = "--task", paramLabel = "T",
            description = "Task whose rule gives the labels (default: read from the file name).")
    String task;

    @Override
    public Integer call() {
        Task t = task == null ? null : Task.parse(task);
        ProgressLine progress = new ProgressLine("check " + data.getFileName(), 0, "images");
        Checker.Report r = Checker.check(data, t, progress);
        progress.finish();
        for (String p : r.problems()) System.err.println("problem: " + p);
        System.out.println(Json.write(r.toJson()));
        return r.allGood() ? 0 : 1;
    }
}
