package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.Csv;
import dev.dat4j.apps.run.RunDirectory;
import dev.dat4j.apps.testutil.CliRun;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.autograd.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny end-to-end runs of {@code relgames train} and {@code relgames curve} through the real command
 * line: the paper's model on a few generated samples, one or two epochs, a small test subset.
 */
class RelgamesTrainingCliTest {
    @TempDir
    Path tmp;

    /** Small generated data: a 200-image pool, 16-image OOD sets, 16 evaluated test rows. */
    private static final String[] TINY_DATA = {"--pool-size", "200", "--ood-size", "16", "--test-size", "16"};

    private static String[] args(String[] head, String... tail) {
        String[] a = new String[head.length + TINY_DATA.length + tail.length];
        System.arraycopy(head, 0, a, 0, head.length);
        System.arraycopy(TINY_DATA, 0, a, head.length, TINY_DATA.length);
        System.arraycopy(tail, 0, a, head.length + TINY_DATA.length, tail.length);
        return a;
    }

    private static void assertAccuracy(Object v, String what) {
        double a = ((Number) v).doubleValue();
        assertTrue(a >= 0 && a <= 1, what + " = " + a);
    }

    @Test
    void trainWritesConfigMetricsCheckpointAndReport() throws IOException {
        Path out = tmp.resolve("run");
        CliRun r = CliRun.of(args(new String[]{"relgames", "train", "--task", "xoccurs", "--model", "dat", "--sa", "1",
                "--ra", "1", "--train-size", "24", "--epochs", "2", "--seed", "3"}, "--out", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("dat11  epoch 1/2  loss ") && r.err().contains("samples/s  ETA "), r.err());
        assertTrue(r.err().contains("epoch 2/2") && r.err().contains("done in"), r.err());
        Map<String, Object> summary = r.json();
        for (String k : List.of("test_acc", "hexos_acc", "stripes_acc", "train_acc")) assertAccuracy(summary.get(k), k);
        assertEquals(404_706.0, summary.get("params"));

        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve(RunDirectory.CONFIG)));
        assertEquals("dat11", config.get("model"));
        assertEquals(3L, config.get("seed"));
        assertEquals("VisionDualAttnTransformer", ((Map<?, ?>) config.get("model_config")).get("model"));
        assertEquals(512L, ((Map<?, ?>) config.get("protocol")).get("batch_size"));
        assertTrue(Files.isRegularFile(out.resolve("data/xoccurs_pentos_n200_seed0.npz")), "generated pool is cached");

        List<Map<String, Object>> metrics = RunDirectory.open(out).readMetrics();
        assertEquals(List.of("epoch", "epoch", "final"), metrics.stream().map(m -> m.get("event")).toList());
        assertEquals(2L, metrics.get(1).get("epoch"));
        assertTrue(((Number) metrics.get(0).get("loss")).doubleValue() > 0);

        List<List<String>> csv = Csv.parse(Files.readString(out.resolve(RunDirectory.RESULTS)));
        assertEquals(2, csv.size());
        assertEquals(List.of("task", "model", "train_size", "seed"), csv.get(0).subList(0, 4));
        assertEquals(List.of("xoccurs", "dat11", "24", "3"), csv.get(1).subList(0, 4));

        String html = Files.readString(out.resolve(RunDirectory.REPORT));
        assertTrue(html.contains("<svg") && html.contains("DAT (1,1)") && html.contains("hexos acc"), "report has charts and table");

        try (Arena arena = Arena.ofConfined()) {
            SafetensorsFile ckpt = SafetensorsFile.open(out.resolve("checkpoints/final.safetensors"), arena);
            assertEquals(404_706L, ckpt.entries().stream().mapToLong(SafetensorsFile.Entry::numel).sum());
            assertTrue(ckpt.metadata().get("config").contains("VisionDualAttnTransformer"));
        }

        CliRun again = CliRun.of(args(new String[]{"relgames", "train", "--task", "xoccurs", "--model", "transformer",
                "--train-size", "24"}, "--out", out.toString()));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a run"), again.err());
    }

    @Test
    void curveRunsTheGridAndResumesWithoutRedoingCells() throws IOException {
        Path out = tmp.resolve("grid"), cache = tmp.resolve("cache");
        String[] head = {"relgames", "curve", "--task", "same", "--models", "transformer", "--sizes", "8,16", "--epochs", "1"};
        CliRun first = CliRun.of(args(head, "--seeds", "0", "--cache", cache.toString(), "--out", out.toString()));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.err().contains("grid: 2 cells, 0 already finished"), first.err());
        assertEquals(2, Files.list(out.resolve(GridRunner.CELLS)).count());

        // more seeds: only the new cells run
        CliRun second = CliRun.of(args(head, "--seeds", "0,1", "--cache", cache.toString(), "--out", out.toString()));
        assertEquals(0, second.code(), second.err());
        assertTrue(second.err().contains("grid: 4 cells, 2 already finished"), second.err());
        assertFalse(second.err().contains("same__transformer__n8__s0  epoch"), "seed-0 cells are not retrained");
        assertTrue(second.err().contains("same__transformer__n8__s1  epoch 1/1"), second.err());

        List<List<String>> csv = Csv.parse(Files.readString(out.resolve(RunDirectory.RESULTS)));
        assertEquals(5, csv.size());
        List<String> header = csv.get(0);
        for (List<String> row : csv.subList(1, 5)) {
            assertEquals("same", row.get(0));
            assertEquals("transformer", row.get(1));
            for (String k : List.of("test_acc", "hexos_acc", "stripes_acc")) assertAccuracy(Double.parseDouble(row.get(header.indexOf(k))), k);
        }
        String html = Files.readString(out.resolve(RunDirectory.REPORT));
        assertTrue(html.contains("same: in-distribution test accuracy") && html.contains("<svg"), "learning-curve charts");

        CliRun done = CliRun.of(args(head, "--seeds", "0,1", "--cache", cache.toString(), "--out", out.toString()));
        assertTrue(done.err().contains("4 already finished in") && done.err().contains("0 to run"), done.err());

        CliRun other = CliRun.of(args(new String[]{"relgames", "curve", "--task", "same", "--models", "transformer",
                "--sizes", "8", "--epochs", "2"}, "--seeds", "0", "--cache", cache.toString(), "--out", out.toString()));
        assertEquals(2, other.code());
        assertTrue(other.err().contains("use another --out"), other.err());
    }

    @Test
    void badInputEndsWithOneClearLine() {
        CliRun task = CliRun.of("relgames", "train", "--task", "bigger", "--model", "dat", "--train-size", "8", "--out",
                tmp.resolve("a").toString());
        assertEquals(2, task.code());
        assertTrue(task.err().contains("unknown task 'bigger'"), task.err());

        CliRun heads = CliRun.of("relgames", "train", "--task", "same", "--model", "dat", "--sa", "1", "--ra", "2",
                "--train-size", "8", "--out", tmp.resolve("b").toString());
        assertEquals(2, heads.code());
        assertTrue(heads.err().contains("must divide d_model 128"), heads.err());

        CliRun data = CliRun.of("relgames", "train", "--task", "same", "--model", "dat", "--train-size", "8",
                "--data", tmp.resolve("nope.npz").toString(), "--out", tmp.resolve("c").toString());
        assertEquals(2, data.code());
        assertTrue(data.err().contains("file not found") && data.err().contains("nope.npz (--data)"), data.err());

        CliRun model = CliRun.of("relgames", "curve", "--task", "same", "--models", "transformer,lstm", "--out",
                tmp.resolve("d").toString());
        assertEquals(2, model.code());
        assertTrue(model.err().contains("unknown model 'lstm'"), model.err());
        CliRun demo = CliRun.of("demo", "--epochs", "0", "--out", tmp.resolve("e").toString());
        assertEquals(2, demo.code());
        assertTrue(demo.err().contains("--epochs must be positive"), demo.err());
        for (CliRun r : List.of(task, heads, data, model, demo)) assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
