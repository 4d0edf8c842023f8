package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.Chart;
import dev.dat4j.apps.run.ReportHtml;
import dev.dat4j.apps.run.Stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The learning-curve report of a grid, like the paper's figure: per task, accuracy vs training-set
 * size with one line per model, mean ± standard error over seeds; then a table of the same numbers.
 */
public final class CurveReport {
    /** Metrics drawn as charts, in this order, when present; other metrics appear in the table only. */
    static final List<String> CHART_METRICS = List.of("test_acc", "hexos_acc", "stripes_acc");
    private static final Map<String, String> TITLES = Map.of(
            "test_acc", "in-distribution test accuracy (pentos)",
            "hexos_acc", "out-of-distribution accuracy (hexos)",
            "stripes_acc", "out-of-distribution accuracy (stripes)");

    private CurveReport() {}

    public static String render(List<CellResult> results, Map<String, Object> config) {
        ReportHtml page = new ReportHtml("Relational Games learning curves");
        page.paragraph(results.size() + " finished cells. Points are the mean over seeds; error bars are ± one "
                + "standard error of the mean (none with a single seed).");
        Set<String> tasks = new LinkedHashSet<>();
        Set<String> metrics = new LinkedHashSet<>();
        for (CellResult r : results) {
            tasks.add(r.cell().task());
            metrics.addAll(r.metrics().keySet());
        }
        for (String task : tasks) {
            page.heading(task);
            for (String metric : CHART_METRICS) {
                if (!metrics.contains(metric)) continue;
                List<Chart.Series> series = new ArrayList<>();
                groups(results, task, metric).forEach((model, bySize) -> {
                    List<Chart.Point> pts = new ArrayList<>();
                    bySize.forEach((size, vals) -> pts.add(Stats.point(size, vals)));
                    if (!pts.isEmpty()) series.add(new Chart.Series(model, pts));
                });
                if (!series.isEmpty()) {
                    page.chart(new Chart(task + ": " + TITLES.get(metric), "training-set size", "accuracy", series));
                }
            }
        }
        List<String> header = new ArrayList<>(List.of("task", "model", "train size", "seeds"));
        header.addAll(metrics);
        List<List<?>> rows = new ArrayList<>();
        for (String task : tasks) {
            Map<String, Map<Integer, List<CellResult>>> byModel = new LinkedHashMap<>();
            for (CellResult r : results) {
                if (!r.cell().task().equals(task)) continue;
                byModel.computeIfAbsent(r.cell().model(), k -> new TreeMap<>())
                        .computeIfAbsent(r.cell().trainSize(), k -> new ArrayList<>()).add(r);
            }
            byModel.forEach((model, bySize) -> bySize.forEach((size, cells) -> {
                List<Object> row = new ArrayList<>(List.of(task, model, size, cells.size()));
                for (String m : metrics) {
                    List<Double> v = cells.stream().filter(c -> c.metrics().containsKey(m)).map(c -> c.metrics().get(m)).toList();
                    row.add(v.isEmpty() ? "" : String.format(Locale.ROOT, "%.4f ± %.4f", Stats.mean(v), Stats.sem(v)));
                }
                rows.add(row);
            }));
        }
        page.table("Mean ± s.e.m. over seeds", header, rows);
        if (!config.isEmpty()) page.keyValues("Configuration", config);
        return page.render();
    }

    /** model → train size → values of {@code metric} over seeds, for one task. */
    private static Map<String, Map<Integer, List<Double>>> groups(List<CellResult> results, String task, String metric) {
        Map<String, Map<Integer, List<Double>>> out = new LinkedHashMap<>();
        for (CellResult r : results) {
            Double v = r.metrics().get(metric);
            if (!r.cell().task().equals(task) || v == null) continue;
            out.computeIfAbsent(r.cell().model(), k -> new TreeMap<>())
                    .computeIfAbsent(r.cell().trainSize(), k -> new ArrayList<>()).add(v);
        }
        return out;
    }
}
