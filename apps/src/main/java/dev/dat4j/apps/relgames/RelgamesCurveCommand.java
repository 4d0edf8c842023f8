package dev.dat4j.apps.relgames;

import dev.dat4j.apps.DeviceOptions;
import dev.dat4j.apps.run.RunDirectory;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.vecops.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** {@code dat4j relgames curve}: a learning-curve grid (models × training-set sizes × seeds), resumable. */
@Command(name = "curve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Learning curves as in the DAT paper: train every model at every training-set",
                "size with every seed (each cell as 'relgames train' does, 50 epochs by",
                "default), then write OUT/results.csv (one row per cell) and OUT/report.html",
                "(accuracy vs size, mean +- s.e.m. over seeds, in-distribution and OOD, and a",
                "table). Finished cells are saved in OUT/cells/: the same command run again",
                "skips them, so an interrupted grid resumes where it stopped, and a grid can be",
                "extended with more sizes, seeds or models.",
                "",
                "Examples:",
                "  dat4j relgames curve --task xoccurs --sizes 500,1000,2500 --seeds 0,1 \\",
                "      --out runs/xoccurs",
                "  dat4j relgames curve --task match_patt --sizes 5000,15000,25000 \\",
                "      --seeds 0,1 --models transformer,dat02 --out runs/match_patt",
                "  nohup dat4j relgames curve --task same --out runs/same > runs/same.log 2>&1 &",
                ""})
final class RelgamesCurveCommand implements Runnable {

    @Option(names = "--task", required = true, paramLabel = "T",
            description = "same, occurs, xoccurs, between, match_patt or 3task_col_patts.")
    String task;

    @Option(names = "--sizes", split = ",", paramLabel = "N",
            description = "Training-set sizes (default: the paper's, 250..2500 step 250; match_patt 5000..25000 step 2500).")
    List<Integer> sizes;

    @Option(names = "--seeds", split = ",", paramLabel = "S", defaultValue = "0,1,2,3,4",
            description = "Seeds, one trial each (default: ${DEFAULT-VALUE}, the paper's 5 trials).")
    List<Integer> seeds;

    @Option(names = "--models", split = ",", paramLabel = "M", defaultValue = "transformer,dat11,dat02",
            description = "Models (default: ${DEFAULT-VALUE}): transformer = Transformer (2,0), "
                    + "datAB = DAT with A self-attention and B relational heads, transformerN = N heads.")
    List<String> models;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "" + Protocol.PAPER_EPOCHS,
            description = "Epochs per cell (default: ${DEFAULT-VALUE}, the paper's).")
    int epochs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory (created, or resumed).")
    Path out;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    DeviceOptions device;

    @Override
    public void run() {
        Task t = Task.parse(task);
        List<Integer> sz = sizes == null ? CurveGrid.paperSizes(t) : sizes;
        for (int s : sz) if (s < 1) throw new IllegalArgumentException("--sizes must be positive, got " + s);
        List<String> names = new LinkedHashSet<>(models.stream().map(m -> RelgamesModel.parse(m).name()).toList())
                .stream().toList();
        CurveGrid grid = new CurveGrid(List.of(t.label()), names, sz, seeds);
        Protocol protocol = Protocol.paper(epochs);
        Backend backend = device.backend();
        RunDirectory dir = RunDirectory.open(out);
        TaskData data = TaskData.prepare(dataOptions.source(t, out), System.err);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("command", "relgames curve");
        config.putAll(grid.toConfig());
        config.put("protocol", protocol.toJson());
        config.put("data", data.toJson());
        config.put("device", backend.name());
        config.put("threads", device.effectiveThreads());
        dir.readConfig().ifPresent(old -> requireSameExperiment(old, config));
        dir.writeConfig(config);

        try {
            new GridRunner(dir).run(grid, new TrainingCellRunner(data, protocol, backend, dir, System.err), System.err);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        System.err.println("report: " + dir.file(RunDirectory.REPORT).toAbsolutePath());
        System.out.println(dir.file(RunDirectory.RESULTS));
    }

    /**
     * Cells of one directory must be comparable: a resumed or extended grid keeps the task, the
     * protocol, the pool size and the test size of the run that started it (compared as JSON text).
     */
    private void requireSameExperiment(Map<String, Object> old, Map<String, Object> now) {
        Map<String, Object> was = fingerprint(old), is = fingerprint(now);
        was.forEach((key, value) -> {
            if (!Json.write(value).equals(Json.write(is.get(key)))) {
                throw new IllegalArgumentException("--out " + out + " holds a grid with " + key + " " + Json.write(value)
                        + ", this command asks for " + Json.write(is.get(key)) + "; use another --out to keep results comparable");
            }
        });
    }

    private static Map<String, Object> fingerprint(Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tasks", config.get("tasks"));
        m.put("protocol", config.get("protocol"));
        Map<?, ?> data = config.get("data") instanceof Map<?, ?> d ? d : Map.of();
        m.put("pool_size", data.get("pool_size"));
        m.put("test_size", data.get("test_size"));
        return m;
    }
}
