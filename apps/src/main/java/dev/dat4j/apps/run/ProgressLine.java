package dev.dat4j.apps.run;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of long work on one terminal line: step, percentage, optional loss, throughput and ETA,
 * e.g. {@code train  1200/5000  24.0%  loss 0.6931  3210 samples/s  ETA 1:11}. On a terminal the
 * line is redrawn in place (at most 10 times a second); when the output is a file or a pipe, plain
 * lines are printed at most every {@code plainEverySeconds} and at the end.
 */
public final class ProgressLine {
    private final String what;
    private long total;
    private final String unit;
    private final PrintStream out;
    private final boolean interactive;
    private final LongSupplier nanoClock;
    private final long minGapNanos;
    private final long start;
    private long lastPrint = Long.MIN_VALUE;
    private long done;
    private double loss = Double.NaN;
    private int lastWidth;
    private boolean finished;

    /** Progress on standard error, redrawn in place when the console is a terminal. */
    public ProgressLine(String what, long total, String unit) {
        this(what, total, unit, System.err, isTerminal(), System::nanoTime, 5);
    }

    /**
     * @param total             steps expected (0 or less: unknown, no percentage or ETA)
     * @param unit              what a step counts, for the throughput ("samples", "images")
     * @param plainEverySeconds minimum gap between plain lines
     */
    public ProgressLine(String what, long total, String unit, PrintStream out, boolean interactive,
                        LongSupplier nanoClock, double plainEverySeconds) {
        this.what = what;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.interactive = interactive;
        this.nanoClock = nanoClock;
        this.minGapNanos = interactive ? 100_000_000L : (long) (plainEverySeconds * 1e9);
        this.start = nanoClock.getAsLong();
    }

    /** Whether standard output is an interactive terminal. */
    public static boolean isTerminal() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** Sets the number of steps expected, once it is known. */
    public void setTotal(long total) {
        this.total = total;
    }

    /** Reports that {@code done} steps are finished. */
    public void update(long done) {
        update(done, Double.NaN);
    }

    /** Reports progress with the latest loss (NaN: none). */
    public void update(long done, double loss) {
        this.done = done;
        if (!Double.isNaN(loss)) this.loss = loss;
        long now = nanoClock.getAsLong();
        if (lastPrint != Long.MIN_VALUE && now - lastPrint < minGapNanos) return;
        lastPrint = now;
        print(now, false);
    }

    /** Prints the final line (once). */
    public void finish() {
        if (finished) return;
        finished = true;
        print(nanoClock.getAsLong(), true);
    }

    /** The text of the line for the current state. */
    String text(long now) {
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / secs;
        StringBuilder sb = new StringBuilder(what);
        if (total > 0) {
            sb.append(String.format(Locale.ROOT, "  %d/%d  %5.1f%%", done, total, 100.0 * done / total));
        } else {
            sb.append("  ").append(done);
        }
        if (!Double.isNaN(loss)) sb.append(String.format(Locale.ROOT, "  loss %.4f", loss));
        sb.append(String.format(Locale.ROOT, "  %s %s/s", rate >= 100 ? String.format(Locale.ROOT, "%.0f", rate)
                : String.format(Locale.ROOT, "%.2f", rate), unit));
        if (total > 0 && done < total && done > 0) {
            sb.append("  ETA ").append(clock((total - done) / rate));
        } else if (total > 0 && done >= total) {
            sb.append("  done in ").append(clock(secs));
        }
        return sb.toString();
    }

    private void print(long now, boolean last) {
        String line = text(now);
        if (interactive) {
            int pad = Math.max(0, lastWidth - line.length());
            out.print("\r" + line + " ".repeat(pad) + (last ? "\n" : ""));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Seconds as h:mm:ss or m:ss. */
    public static String clock(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600, m = s / 60 % 60, sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
