package dev.dat4j.apps.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Draws a {@link Chart} as inline SVG (no script, no external reference): axes with "nice" ticks,
 * one coloured line per series with a marker and an error bar at every point, a legend, and a
 * native tooltip per point giving mean, error and run count.
 */
public final class SvgChart {
    static final int WIDTH = 640, HEIGHT = 400;
    private static final int LEFT = 64, RIGHT = 20, TOP = 36, BOTTOM = 52;
    /** Colour-blind-friendly series colours (Okabe-Ito). */
    private static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"};

    private SvgChart() {}

    public static String render(Chart c) {
        double[] xr = xRange(c), yr = yRange(c);
        double xStep = niceStep((xr[1] - xr[0]) / 6), yStep = niceStep((yr[1] - yr[0]) / 5);
        double x0 = xr[0], x1 = xr[1];
        double y0 = Math.floor(yr[0] / yStep + 1e-9) * yStep, y1 = Math.ceil(yr[1] / yStep - 1e-9) * yStep;
        if (!Double.isNaN(c.yMin())) y0 = c.yMin();
        if (!Double.isNaN(c.yMax())) y1 = c.yMax();
        Scale sx = new Scale(x0, x1, LEFT, WIDTH - RIGHT), sy = new Scale(y0, y1, HEIGHT - BOTTOM, TOP);

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
                WIDTH, HEIGHT, WIDTH, HEIGHT, esc(c.title())));
        s.append("<title>").append(esc(c.title())).append("</title>");
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"plot\"/>",
                LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        // grid and ticks
        for (double t : ticks(y0, y1, yStep)) {
            double y = sy.map(t);
            s.append(line(LEFT, y, WIDTH - RIGHT, y, "grid"));
            s.append(text(LEFT - 6, y + 4, format(t, yStep), "tick end"));
        }
        for (double t : xTicks(c, x0, x1, xStep)) {
            double x = sx.map(t);
            s.append(line(x, TOP, x, HEIGHT - BOTTOM, "grid"));
            s.append(text(x, HEIGHT - BOTTOM + 16, format(t, xStep), "tick middle"));
        }
        s.append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "axis"));
        s.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "axis"));
        s.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 12, c.xLabel(), "label middle"));
        s.append(String.format(Locale.ROOT, "<text class=\"label middle\" transform=\"translate(16 %.1f) rotate(-90)\">%s</text>",
                (TOP + HEIGHT - BOTTOM) / 2.0, esc(c.yLabel())));
        s.append(text(LEFT, 22, c.title(), "title start"));
        // series
        for (int i = 0; i < c.series().size(); i++) {
            Chart.Series ser = c.series().get(i);
            String col = COLOURS[i % COLOURS.length];
            s.append("<g class=\"series\" stroke=\"").append(col).append("\" fill=\"").append(col).append("\">");
            StringBuilder pts = new StringBuilder();
            for (Chart.Point p : ser.points()) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx.map(p.x()), sy.map(p.mean())));
            }
            s.append("<polyline fill=\"none\" stroke-width=\"2\" points=\"").append(pts.toString().strip()).append("\"/>");
            for (Chart.Point p : ser.points()) {
                double x = sx.map(p.x()), y = sy.map(p.mean());
                if (p.err() > 0) {
                    double lo = sy.map(p.mean() - p.err()), hi = sy.map(p.mean() + p.err());
                    s.append(line(x, lo, x, hi, "err")).append(line(x - 4, lo, x + 4, lo, "err")).append(line(x - 4, hi, x + 4, hi, "err"));
                }
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"><title>%s: x=%s mean=%.4f ±%.4f (n=%d)</title></circle>",
                        x, y, esc(ser.name()), format(p.x(), 1), p.mean(), p.err(), p.n()));
            }
            s.append("</g>");
            // legend entry, top-left inside the plot
            double ly = TOP + 16 + 18 * i;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>",
                    LEFT + 10, ly - 4, LEFT + 30, ly - 4, col));
            s.append(text(LEFT + 36, ly, ser.name(), "legend start"));
        }
        return s.append("</svg>").toString();
    }

    private record Scale(double d0, double d1, double r0, double r1) {
        double map(double v) {
            return d1 == d0 ? (r0 + r1) / 2 : r0 + (v - d0) / (d1 - d0) * (r1 - r0);
        }
    }

    private static double[] xRange(Chart c) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Chart.Series s : c.series()) {
            for (Chart.Point p : s.points()) {
                lo = Math.min(lo, p.x());
                hi = Math.max(hi, p.x());
            }
        }
        if (lo > hi) return new double[]{0, 1};
        double pad = hi > lo ? (hi - lo) * 0.04 : Math.max(1, Math.abs(lo) * 0.1);
        return new double[]{lo - pad, hi + pad};
    }

    private static double[] yRange(Chart c) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Chart.Series s : c.series()) {
            for (Chart.Point p : s.points()) {
                lo = Math.min(lo, p.mean() - p.err());
                hi = Math.max(hi, p.mean() + p.err());
            }
        }
        if (lo > hi) return new double[]{0, 1};
        double pad = hi > lo ? (hi - lo) * 0.05 : Math.max(0.01, Math.abs(lo) * 0.05);
        return new double[]{lo - pad, hi + pad};
    }

    /** A step of 1, 2 or 5 times a power of ten near {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || Double.isInfinite(raw)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
    }

    /** The x values themselves when there are few (e.g. the training-set sizes), else nice ticks. */
    private static List<Double> xTicks(Chart c, double lo, double hi, double step) {
        TreeSet<Double> xs = new TreeSet<>();
        for (Chart.Series s : c.series()) for (Chart.Point p : s.points()) xs.add(p.x());
        return xs.isEmpty() || xs.size() > 10 ? ticks(lo, hi, step) : new ArrayList<>(xs);
    }

    private static List<Double> ticks(double lo, double hi, double step) {
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out;
    }

    private static String format(double v, double step) {
        if (step >= 1 && v == Math.rint(v)) return Long.toString((long) v);
        int decimals = (int) Math.max(1, Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String line(double x1, double y1, double x2, double y2, String cls) {
        return String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", cls, x1, y1, x2, y2);
    }

    private static String text(double x, double y, String t, String cls) {
        return String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\">%s</text>", cls, x, y, esc(t));
    }

    /** Escapes text for HTML/SVG content and attribute values. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
