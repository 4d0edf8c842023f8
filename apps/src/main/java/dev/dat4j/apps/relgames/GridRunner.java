package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.AtomicFiles;
import dev.dat4j.apps.run.RunDirectory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Runs a {@link CurveGrid} so that it can be interrupted and resumed: each finished cell is saved
 * atomically as {@code cells/<key>.json} in the run directory, and a later run skips every cell
 * already saved there. After each cell {@code results.csv} and {@code report.html} are rewritten
 * from all saved cells and a {@code cell_done} line is appended to {@code metrics.jsonl}.
 */
public final class GridRunner {
    public static final String CELLS = "cells";

    private final RunDirectory dir;

    public GridRunner(RunDirectory dir) {
        this.dir = dir;
    }

    /** Every cell result saved in the run directory. */
    public Map<GridCell, CellResult> finished() {
        Map<GridCell, CellResult> out = new HashMap<>();
        Path cells = dir.file(CELLS);
        if (!Files.isDirectory(cells)) return out;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cells, "*.json")) {
            for (Path f : files) {
                CellResult r;
                try {
                    r = CellResult.fromJson(Files.readString(f));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(f + " is not a valid cell result (" + e.getMessage()
                            + "); delete it to run that cell again", e);
                }
                if (!f.getFileName().toString().equals(r.cell().key() + ".json")) {
                    throw new IllegalArgumentException(f + " holds the result of cell " + r.cell().key()
                            + "; the file name must match it");
                }
                out.put(r.cell(), r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Runs the cells of {@code grid} not yet finished, in grid order, and returns the results of all
     * the grid's cells. If {@code runner} fails, the cells finished so far stay saved and the
     * failure is rethrown.
     */
    public List<CellResult> run(CurveGrid grid, CellRunner runner, PrintStream log) throws Exception {
        Map<GridCell, CellResult> done = finished();
        List<GridCell> todo = grid.cells().stream().filter(c -> !done.containsKey(c)).toList();
        int total = grid.cells().size();
        log.printf(Locale.ROOT, "grid: %d cells, %d already finished in %s, %d to run%n",
                total, total - todo.size(), dir.path(), todo.size());
        Map<String, Object> start = new LinkedHashMap<>();
        start.put("event", "grid_start");
        start.put("cells", total);
        start.put("to_run", todo.size());
        dir.appendMetrics(start);
        long t0 = System.nanoTime();
        for (int i = 0; i < todo.size(); i++) {
            GridCell cell = todo.get(i);
            long c0 = System.nanoTime();
            Map<String, Double> metrics = new LinkedHashMap<>(runner.run(cell));
            metrics.putIfAbsent("cell_seconds", (System.nanoTime() - c0) / 1e9);
            CellResult r = new CellResult(cell, metrics);
            AtomicFiles.writeString(dir.file(CELLS).resolve(cell.key() + ".json"), r.toJson() + "\n");
            done.put(cell, r);
            dir.appendMetrics(doneLine(r, i + 1, todo.size()));
            writeSummaries(done.values());
            double perCell = (System.nanoTime() - t0) / 1e9 / (i + 1);
            log.printf(Locale.ROOT, "cell %d/%d %s: %s  ETA %.0f s%n", i + 1, todo.size(), cell.key(),
                    brief(r.metrics()), perCell * (todo.size() - i - 1));
        }
        if (todo.isEmpty()) writeSummaries(done.values());
        return grid.cells().stream().map(done::get).toList();
    }

    /** Rewrites {@code results.csv} and {@code report.html} from the given results. */
    public void writeSummaries(Collection<CellResult> results) {
        List<CellResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing((CellResult r) -> r.cell().task()).thenComparing(r -> r.cell().model())
                .thenComparingInt(r -> r.cell().trainSize()).thenComparingInt(r -> r.cell().seed()));
        TreeSet<String> names = new TreeSet<>();
        for (CellResult r : sorted) names.addAll(r.metrics().keySet());
        List<String> header = new ArrayList<>(List.of("task", "model", "train_size", "seed"));
        header.addAll(names);
        List<List<Object>> rows = new ArrayList<>();
        for (CellResult r : sorted) {
            List<Object> row = new ArrayList<>(List.of(r.cell().task(), r.cell().model(), r.cell().trainSize(), r.cell().seed()));
            for (String n : names) row.add(r.metrics().get(n));
            rows.add(row);
        }
        dir.writeResults(header, rows);
        dir.writeReport(CurveReport.render(sorted, dir.readConfig().orElse(Map.of())));
    }

    private static Map<String, Object> doneLine(CellResult r, int k, int of) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "cell_done");
        m.put("task", r.cell().task());
        m.put("model", r.cell().model());
        m.put("train_size", r.cell().trainSize());
        m.put("seed", r.cell().seed());
        m.putAll(r.metrics());
        m.put("done", k);
        m.put("of", of);
        return m;
    }

    private static String brief(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ')
                .append(String.format(Locale.ROOT, "%.4g", v)));
        return sb.toString();
    }
}
