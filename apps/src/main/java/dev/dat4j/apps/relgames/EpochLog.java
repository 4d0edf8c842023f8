package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.ProgressLine;
import dev.dat4j.apps.run.RunDirectory;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Trainer.Listener} that prints one line per epoch and, given a run directory, appends the
 * epoch to its {@code metrics.jsonl}, e.g.
 * {@code dat02  epoch 12/50  loss 0.5123  train acc 0.7480  2210 samples/s  ETA 1:05}.
 */
final class EpochLog implements Trainer.Listener {
    private final String prefix;
    private final PrintStream out;
    private final RunDirectory dir;
    private final Map<String, Object> tags;
    private double elapsed;

    /**
     * @param tags fields put before the epoch's own in each metrics line (e.g. the cell); may be empty
     * @param dir  the run directory, or null for no metrics lines
     */
    EpochLog(String prefix, PrintStream out, RunDirectory dir, Map<String, Object> tags) {
        this.prefix = prefix;
        this.out = out;
        this.dir = dir;
        this.tags = tags;
    }

    @Override
    public void epochDone(Trainer.Epoch e) {
        elapsed += e.seconds();
        out.println(line(prefix, e, elapsed));
        out.flush();
        if (dir != null) {
            Map<String, Object> m = new LinkedHashMap<>(tags);
            m.putAll(e.toJson());
            dir.appendMetrics(m);
        }
    }

    /** The line of epoch {@code e}, {@code elapsed} seconds into training: ETA from the mean epoch time so far. */
    static String line(String prefix, Trainer.Epoch e, double elapsed) {
        int w = Integer.toString(e.epochs()).length();
        String time = e.epoch() < e.epochs()
                ? "ETA " + ProgressLine.clock(elapsed / e.epoch() * (e.epochs() - e.epoch()))
                : "done in " + ProgressLine.clock(elapsed);
        return String.format(Locale.ROOT, "%s  epoch %" + w + "d/%d  loss %.4f  train acc %.4f  %.0f samples/s  %s",
                prefix, e.epoch(), e.epochs(), e.loss(), e.trainAcc(), e.samplesPerSecond(), time);
    }
}
