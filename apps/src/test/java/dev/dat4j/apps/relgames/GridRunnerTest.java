package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.Csv;
import dev.dat4j.apps.run.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridRunnerTest {
    @TempDir
    Path tmp;

    private static final CurveGrid GRID = new CurveGrid(List.of("same", "between"), List.of("transformer", "dat_sa1_ra1"),
            List.of(250, 500, 750), List.of(0, 1));

    /** A stand-in for training: deterministic metrics from the cell, and a log of the cells run. */
    private static final class FakeRunner implements CellRunner {
        final List<GridCell> ran = new ArrayList<>();
        final int failAt;

        FakeRunner(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public Map<String, Double> run(GridCell cell) {
            if (ran.size() == failAt) throw new IllegalStateException("simulated crash");
            ran.add(cell);
            double acc = 0.5 + cell.trainSize() / 2000.0 + (cell.model().startsWith("dat") ? 0.05 : 0) + cell.seed() * 0.01;
            return Map.of("test_acc", acc, "hexos_acc", acc - 0.05, "stripes_acc", acc - 0.1);
        }
    }

    private static PrintStream sink() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void anInterruptedGridResumesWithoutRedoingFinishedCells() throws Exception {
        RunDirectory dir = RunDirectory.open(tmp.resolve("run"));
        dir.writeConfig(GRID.toConfig());
        GridRunner runner = new GridRunner(dir);
        int cells = GRID.cells().size();
        assertEquals(24, cells);

        FakeRunner first = new FakeRunner(10);
        var crash = assertThrows(IllegalStateException.class, () -> runner.run(GRID, first, sink()));
        assertEquals("simulated crash", crash.getMessage());
        assertEquals(10, first.ran.size());
        assertEquals(10, runner.finished().size());

        FakeRunner second = new FakeRunner(-1);
        List<CellResult> all = new GridRunner(dir).run(GRID, second, sink());
        assertEquals(cells - 10, second.ran.size(), "only unfinished cells run again");
        for (GridCell c : second.ran) assertFalse(first.ran.contains(c), c.key());
        assertEquals(cells, all.size());
        assertEquals(GRID.cells(), all.stream().map(CellResult::cell).toList());

        FakeRunner third = new FakeRunner(-1);
        new GridRunner(dir).run(GRID, third, sink());
        assertTrue(third.ran.isEmpty(), "a finished grid runs nothing");

        // results.csv: one row per cell, metrics as columns
        List<List<String>> csv = Csv.parse(Files.readString(dir.file(RunDirectory.RESULTS)));
        assertEquals(List.of("task", "model", "train_size", "seed", "cell_seconds", "hexos_acc", "stripes_acc", "test_acc"), csv.getFirst());
        assertEquals(cells + 1, csv.size());
        // metrics.jsonl: 3 grid starts + one line per finished cell
        var lines = dir.readMetrics();
        assertEquals(3 + cells, lines.size());
        assertEquals(cells, lines.stream().filter(m -> "cell_done".equals(m.get("event"))).count());
        // report.html: one chart per (task, metric)
        String html = Files.readString(dir.file(RunDirectory.REPORT));
        assertEquals(2 * 3, html.split("<svg", -1).length - 1);
        assertTrue(html.contains("dat_sa1_ra1") && html.contains("between"));
    }

    @Test
    void aCorruptCellFileIsReportedByName() throws IOException {
        RunDirectory dir = RunDirectory.open(tmp.resolve("bad"));
        Files.createDirectories(dir.file(GridRunner.CELLS));
        Files.writeString(dir.file(GridRunner.CELLS).resolve("same__t__n250__s0.json"), "{\"task\":");
        var e = assertThrows(IllegalArgumentException.class, () -> new GridRunner(dir).finished());
        assertTrue(e.getMessage().contains("same__t__n250__s0.json") && e.getMessage().contains("delete it"), e.getMessage());
    }

    @Test
    void cellResultsRoundTripThroughJson() {
        CellResult r = new CellResult(new GridCell("xoccurs", "dat_sa0_ra2", 1250, 3), Map.of("test_acc", 0.875, "epochs", 50.0));
        assertEquals(r, CellResult.fromJson(r.toJson()));
        assertThrows(IllegalArgumentException.class, () -> new GridCell("a b", "m", 1, 0));
        assertEquals(List.of(5000, 7500, 10000, 12500, 15000, 17500, 20000, 22500, 25000), CurveGrid.paperSizes(Task.MATCH_PATT));
        assertEquals(10, CurveGrid.paperSizes(Task.SAME).size());
    }
}
