package dev.dat4j.apps.relgames;

import dev.dat4j.apps.GlobalOptions;
import dev.dat4j.apps.run.RunDirectory;
import dev.dat4j.autograd.io.Json;
import dev.dat4j.vecops.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code dat4j relgames train}: one model, one training-set size, one seed. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train one model of the DAT paper's Relational Games experiment, then evaluate",
                "it on the in-distribution test subset (10,000 rows of the pool) and on the",
                "out-of-distribution sets. Paper protocol: Adam lr 1e-3, betas (0.9, 0.99),",
                "batch 512, 50 epochs; a ViT over 12x12 patches, d 128, 2 layers.",
                "Prints one line per epoch, then one JSON line with the accuracies. Writes",
                "OUT/config.json, metrics.jsonl, results.csv, report.html and",
                "checkpoints/final.safetensors. Without --data, pentos, hexos and stripes",
                "data are generated once and cached (OUT/data, or --cache).",
                "",
                "Examples:",
                "  dat4j relgames train --task xoccurs --model dat --sa 0 --ra 2 \\",
                "      --train-size 2500 --out runs/x-dat02",
                "  dat4j relgames train --task xoccurs --model transformer --train-size 2500 \\",
                "      --epochs 10 --out runs/x-t",
                "  dat4j relgames train --task between --model dat --sa 1 --ra 1 \\",
                "      --train-size 1000 --data between_pentos.npz \\",
                "      --ood between_hexos.npz between_stripes.npz --out runs/b-dat11",
                ""})
final class RelgamesTrainCommand implements Runnable {

    @Option(names = "--task", required = true, paramLabel = "T",
            description = "same, occurs, xoccurs, between, match_patt or 3task_col_patts.")
    String task;

    @Option(names = "--model", required = true, paramLabel = "M", description = "transformer or dat.")
    String model;

    @Option(names = "--sa", paramLabel = "A", description = "Self-attention heads (default: 2 for transformer, 0 for dat).")
    Integer sa;

    @Option(names = "--ra", paramLabel = "B", description = "Relational heads, dat only (default: 2 for dat).")
    Integer ra;

    @Option(names = "--train-size", required = true, paramLabel = "N", description = "Training samples drawn from the pool.")
    int trainSize;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "" + Protocol.PAPER_EPOCHS,
            description = "Epochs (default: ${DEFAULT-VALUE}, the paper's).")
    int epochs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory (must not hold a run yet).")
    Path out;

    @Mixin
    DataOptions dataOptions;

    @Mixin
    GlobalOptions global;

    @Override
    public void run() {
        Task t = Task.parse(task);
        RelgamesModel spec = RelgamesModel.of(model, sa, ra);
        Protocol protocol = Protocol.paper(epochs);
        if (trainSize < 1) throw new IllegalArgumentException("--train-size must be positive, got " + trainSize);
        if (Files.exists(out.resolve(RunDirectory.CONFIG))) {
            throw new IllegalArgumentException("--out " + out + " already holds a run (config.json); choose another directory");
        }
        Backend backend = global.backend();
        RunDirectory dir = RunDirectory.open(out);
        TaskData data = TaskData.prepare(dataOptions.source(t, out), System.err);
        TaskData.Split split = data.split(trainSize, global.seed);
        Map<String, RelgamesData> eval = data.evalSets(split, System.err);

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("command", "relgames train");
        config.put("model", spec.name());
        config.put("train_size", trainSize);
        config.put("seed", global.seed);
        config.put("device", backend.name());
        config.put("threads", global.effectiveThreads());
        config.put("protocol", protocol.toJson());
        config.put("data", data.toJson());
        config.put("model_config", spec.config().toJson());
        dir.writeConfig(config);

        System.err.printf(Locale.ROOT, "training %s on %,d %s samples for %d epochs (%s, %d threads)%n", spec.label(), trainSize,
                t.label(), epochs, backend.name(), global.effectiveThreads());
        Trainer.Result r = Trainer.run(spec, split.train(), eval, protocol, global.seed, backend,
                new EpochLog(spec.name(), System.err, dir, Map.of()), dir.checkpoint("final"));

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("event", "final");
        summary.put("model", spec.name());
        summary.put("train_size", trainSize);
        summary.put("seed", global.seed);
        summary.putAll(r.metrics());
        dir.appendMetrics(summary);
        writeResults(dir, t, spec, trainSize, global.seed, r);
        dir.writeReport(TrainReport.render("Relational Games: " + spec.label() + " on " + t.label(),
                String.format(Locale.ROOT, "%s trained on %,d samples for %d epochs, seed %d.", spec.label(), trainSize, epochs,
                        global.seed),
                List.of(new TrainReport.Run(spec.label(), r)), config));

        summary.put("out", out.toString());
        summary.put("report", dir.file(RunDirectory.REPORT).toString());
        System.err.println("report: " + dir.file(RunDirectory.REPORT).toAbsolutePath());
        System.out.println(Json.write(summary));
    }

    /** results.csv: one row with the cell's columns and every metric. */
    private static void writeResults(RunDirectory dir, Task t, RelgamesModel spec, int trainSize, long seed, Trainer.Result r) {
        List<String> header = new ArrayList<>(List.of("task", "model", "train_size", "seed"));
        List<Object> row = new ArrayList<>(List.of(t.label(), spec.name(), trainSize, seed));
        r.metrics().forEach((k, v) -> {
            header.add(k);
            row.add(v);
        });
        dir.writeResults(header, List.of(row));
    }
}
