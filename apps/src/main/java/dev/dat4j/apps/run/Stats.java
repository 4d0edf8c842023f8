package dev.dat4j.apps.run;

import java.util.List;

/** Summary statistics over repeated runs (seeds). */
public final class Stats {
    private Stats() {}

    public static double mean(List<Double> xs) {
        if (xs.isEmpty()) throw new IllegalArgumentException("mean of no values");
        double s = 0;
        for (double x : xs) s += x;
        return s / xs.size();
    }

    /** Sample standard deviation (n-1 in the denominator); 0 for one value. */
    public static double std(List<Double> xs) {
        if (xs.size() < 2) return 0;
        double m = mean(xs), ss = 0;
        for (double x : xs) ss += (x - m) * (x - m);
        return Math.sqrt(ss / (xs.size() - 1));
    }

    /** Standard error of the mean: std / sqrt(n); 0 for one value. */
    public static double sem(List<Double> xs) {
        return xs.size() < 2 ? 0 : std(xs) / Math.sqrt(xs.size());
    }

    /** Mean and standard error as a chart point at {@code x}. */
    public static Chart.Point point(double x, List<Double> xs) {
        return new Chart.Point(x, mean(xs), sem(xs), xs.size());
    }
}
