package dev.dat4j.apps.run;

import java.util.List;

/**
 * A line chart of means with error bars, e.g. accuracy vs training-set size with one series per
 * model. {@code yMin}/{@code yMax} fix the y range (NaN: fit the data).
 */
public record Chart(String title, String xLabel, String yLabel, List<Series> series, double yMin, double yMax) {
    public Chart {
        series = List.copyOf(series);
    }

    /** A chart whose y range fits the data. */
    public Chart(String title, String xLabel, String yLabel, List<Series> series) {
        this(title, xLabel, yLabel, series, Double.NaN, Double.NaN);
    }

    /** One curve: points in increasing x. */
    public record Series(String name, List<Point> points) {
        public Series {
            points = List.copyOf(points);
        }
    }

    /**
     * One x position: the mean over {@code n} runs and the half-height of its error bar
     * (for example the standard error of the mean; 0 draws none).
     */
    public record Point(double x, double mean, double err, int n) {}
}
