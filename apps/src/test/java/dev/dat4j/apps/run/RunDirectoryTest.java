package dev.dat4j.apps.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void configMetricsResultsAndCheckpoints() throws IOException {
        RunDirectory run = RunDirectory.open(tmp.resolve("runs/a"));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("task", "between");
        config.put("d_model", 128);
        config.put("lr", 1e-3);
        run.writeConfig(config);
        assertEquals(Map.of("task", "between", "d_model", 128L, "lr", 0.001), run.readConfig().orElseThrow());

        for (int step = 1; step <= 3; step++) run.appendMetrics(Map.of("step", step, "loss", 1.0 / step));
        List<String> lines = Files.readAllLines(run.file(RunDirectory.METRICS));
        assertEquals(3, lines.size());
        assertEquals(3, run.readMetrics().size());
        assertEquals(2L, run.readMetrics().get(1).get("step"));
        // a run killed in the middle of a line leaves an unfinished last line: reading skips it,
        // and the next append (a resumed run) cuts it off instead of gluing onto it
        Files.writeString(run.file(RunDirectory.METRICS), "{\"step\":4,\"lo", StandardOpenOption.APPEND);
        assertEquals(3, run.readMetrics().size());
        run.appendMetrics(Map.of("step", 5));
        assertEquals(List.of(1L, 2L, 3L, 5L), run.readMetrics().stream().map(m -> m.get("step")).toList());
        Files.writeString(run.file(RunDirectory.METRICS), "not json\n", StandardOpenOption.APPEND);
        var bad = assertThrows(IllegalArgumentException.class, run::readMetrics);
        assertTrue(bad.getMessage().contains("metrics.jsonl line 5"), bad.getMessage());

        run.writeResults(List.of("model", "acc", "note"), List.of(List.of("dat", 0.93, "a, \"quoted\" note"), List.of("t", 1.0, "")));
        String csv = Files.readString(run.file(RunDirectory.RESULTS));
        assertEquals("model,acc,note\ndat,0.93,\"a, \"\"quoted\"\" note\"\nt,1,\n", csv);
        assertEquals(List.of("dat", "0.93", "a, \"quoted\" note"), Csv.parse(csv).get(1));

        Path ckpt = run.checkpoint("step_100");
        assertEquals(run.file("checkpoints/step_100.safetensors"), ckpt);
        run.writeAtomically(ckpt, out -> out.write(new byte[]{1, 2, 3}));
        assertEquals(3, Files.size(ckpt));
    }

    @Test
    void aFailedAtomicWriteKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path target = tmp.resolve("model.safetensors");
        AtomicFiles.writeString(target, "old");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("new, half written".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(target), files.toList(), "no temporary file left behind");
        }
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
    }
}
