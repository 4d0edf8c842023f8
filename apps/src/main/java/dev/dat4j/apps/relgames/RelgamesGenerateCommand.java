package dev.dat4j.apps.relgames;

import dev.dat4j.apps.data.NpzWriter;
import dev.dat4j.apps.run.ProgressLine;
import dev.dat4j.autograd.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code dat4j relgames generate}: synthetic data in the original .npz layout. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate Relational Games data, deterministic from --seed, as an .npz with",
                "images (N,36,36,3) uint8, labels (N,1) int64 and tasks (N,1) int64.",
                "Prints progress, then one JSON line. Example:",
                "  dat4j relgames generate --task between --objects pentos --n 250000 --seed 1 --out between_pentos.npz"})
final class RelgamesGenerateCommand implements Runnable {

    @Option(names = "--task", required = true, paramLabel = "T",
            description = "same, occurs, xoccurs, between, match_patt or 3task_col_patts.")
    String task;

    @Option(names = "--objects", required = true, paramLabel = "SET", description = "pentos, hexos or stripes.")
    String objects;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Number of samples.")
    int n;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.npz", description = "Output file (written atomically).")
    Path out;

    @Option(names = "--stored", description = "Store entries uncompressed (np.savez) instead of deflated (np.savez_compressed).")
    boolean stored;

    @Override
    public void run() {
        Task t = Task.parse(task);
        ObjectSet set = ObjectSet.parse(objects);
        long t0 = System.nanoTime();
        ProgressLine drawing = new ProgressLine("draw scenes", n, "samples");
        Generator.Dataset d = Generator.generate(t, set, n, seed, drawing);
        drawing.finish();
        ProgressLine writing = new ProgressLine("write " + out.getFileName(), n, "images");
        Generator.write(d, out, stored ? NpzWriter.Compression.STORED : NpzWriter.Compression.DEFLATED, writing);
        writing.finish();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("out", out.toString());
        m.put("task", t.label());
        m.put("objects", set.label());
        m.put("n", n);
        m.put("seed", seed);
        m.put("positives", Arrays.stream(d.labels()).sum());
        try {
            m.put("bytes", Files.size(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        m.put("seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
        System.out.println(Json.write(m));
    }
}
