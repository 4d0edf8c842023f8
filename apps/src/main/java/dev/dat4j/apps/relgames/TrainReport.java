package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.Chart;
import dev.dat4j.apps.run.ReportHtml;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The report of one or more training runs on the same data ({@code relgames train}, {@code demo}):
 * training loss and accuracy per epoch, one line per model, then the final accuracies.
 */
final class TrainReport {
    private TrainReport() {}

    /** A finished run under its display name. */
    record Run(String name, Trainer.Result result) {}

    static String render(String title, String intro, List<Run> runs, Map<String, Object> config) {
        ReportHtml page = new ReportHtml(title);
        if (intro != null) page.paragraph(intro);
        page.heading("Final accuracy");
        Set<String> sets = new LinkedHashSet<>();
        for (Run r : runs) sets.addAll(r.result().accuracies().keySet());
        List<String> header = new ArrayList<>(List.of("model", "parameters"));
        for (String s : sets) header.add(s + " acc");
        header.addAll(List.of("final train loss", "final train acc", "train time (s)"));
        List<List<?>> rows = new ArrayList<>();
        for (Run r : runs) {
            Trainer.Result res = r.result();
            List<Object> row = new ArrayList<>(List.of(r.name(), res.parameters()));
            for (String s : sets) {
                Double v = res.accuracies().get(s);
                row.add(v == null ? "" : fmt(v));
            }
            row.add(fmt(res.last().loss()));
            row.add(fmt(res.last().trainAcc()));
            row.add(String.format(Locale.ROOT, "%.1f", res.trainSeconds()));
            rows.add(row);
        }
        page.table("Accuracy of the final model (test = in-distribution subset; other sets out of distribution)", header, rows);
        page.heading("Training");
        page.chart(chart("training loss (mean over the epoch)", "loss", runs, Trainer.Epoch::loss));
        page.chart(chart("training accuracy (dropout on)", "accuracy", runs, Trainer.Epoch::trainAcc));
        page.keyValues("Configuration", config);
        return page.render();
    }

    private static Chart chart(String title, String yLabel, List<Run> runs, ToDoubleFunction<Trainer.Epoch> metric) {
        List<Chart.Series> series = new ArrayList<>();
        for (Run r : runs) {
            List<Chart.Point> pts = new ArrayList<>();
            for (Trainer.Epoch e : r.result().history()) pts.add(new Chart.Point(e.epoch(), metric.applyAsDouble(e), 0, 1));
            series.add(new Chart.Series(r.name(), pts));
        }
        return new Chart(title, "epoch", yLabel, series);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
