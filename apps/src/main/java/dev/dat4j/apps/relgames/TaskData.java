package dev.dat4j.apps.relgames;

import dev.dat4j.apps.data.NpzFile;
import dev.dat4j.apps.data.NpzWriter;
import dev.dat4j.apps.run.ProgressLine;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data of one task for training runs: the in-distribution pool (a pentos {@code .npz}, given or
 * generated) from which every cell draws its split (dat-spec §8.1, {@link DataSplit}), and the
 * out-of-distribution sets, evaluated in full (files given, or generated hexos and stripes).
 *
 * <p>Generated files are written once to the cache directory, named
 * {@code <task>_<objects>_n<N>_seed<S>.npz}, and reused by later runs; generation is deterministic,
 * so a cached file equals a fresh one. The OOD sets are loaded once and kept in memory; the pool is
 * streamed per cell and only the rows a split needs are kept.
 */
public final class TaskData {
    /** Samples of a real pentos file (PrediNet release), the size of a generated pool by default. */
    public static final int POOL_SIZE = 250_000;
    /** Samples of a real hexos or stripes file, the size of the generated OOD sets by default. */
    public static final int OOD_SIZE = 50_000;

    /**
     * Where the data comes from.
     *
     * @param data      the pentos file, or null to generate one of {@code poolSize} samples
     * @param ood       OOD files; empty to generate hexos and stripes of {@code oodSize} samples
     *                  ({@code oodSize} 0: no OOD evaluation)
     * @param dataSeed  seed of the generated files
     * @param cacheDir  where generated files are kept
     * @param testSize  rows of the 10,000-row test draw that are evaluated (the first ones; 10,000 in the paper)
     */
    public record Source(Task task, Path data, List<Path> ood, int poolSize, int oodSize, long dataSeed, Path cacheDir,
                         int testSize) {
        public Source {
            ood = List.copyOf(ood);
            if (testSize < 1 || testSize > DataSplit.TEST) {
                throw new IllegalArgumentException("--test-size must be in 1.." + DataSplit.TEST + ", got " + testSize);
            }
            if (data == null && poolSize < 1) throw new IllegalArgumentException("--pool-size must be positive, got " + poolSize);
            if (ood.isEmpty() && oodSize < 0) throw new IllegalArgumentException("--ood-size must not be negative, got " + oodSize);
        }
    }

    /** The part of the pool one cell uses. */
    public record Split(RelgamesData train, RelgamesData test) {}

    private final Task task;
    private final Path pool;
    private final int poolSize;
    private final Map<String, Path> oodFiles;
    private final boolean generated;
    private final int testSize;
    private Map<String, RelgamesData> ood;
    private RelgamesData poolData;

    private TaskData(Task task, Path pool, int poolSize, Map<String, Path> oodFiles, boolean generated, int testSize) {
        this.task = task;
        this.testSize = testSize;
        this.pool = pool;
        this.poolSize = poolSize;
        this.oodFiles = oodFiles;
        this.generated = generated;
    }

    /** Checks the given files and generates (or finds in the cache) the missing ones; progress goes to {@code log}. */
    public static TaskData prepare(Source s, PrintStream log) {
        Path pool = s.data();
        if (pool != null) {
            requireFile(pool, "--data");
            Task named = Task.fromFileName(pool.getFileName().toString()).orElse(s.task());
            if (named != s.task()) {
                throw new IllegalArgumentException("--data " + pool + " looks like task '" + named.label()
                        + "' (from its name) but --task is '" + s.task().label() + "'");
            }
        } else {
            pool = cached(s, ObjectSet.PENTOS, s.poolSize(), log);
        }
        Map<String, Path> ood = new LinkedHashMap<>();
        for (Path f : s.ood()) {
            requireFile(f, "--ood");
            Task named = Task.fromFileName(f.getFileName().toString()).orElse(s.task());
            if (named != s.task()) {
                throw new IllegalArgumentException("--ood " + f + " looks like task '" + named.label()
                        + "' (from its name) but --task is '" + s.task().label() + "'");
            }
            String name = ObjectSet.fromFileName(f.getFileName().toString()).map(ObjectSet::label)
                    .orElse(f.getFileName().toString().replaceFirst("\\.npz$", ""));
            if (name.equals("test") || ood.put(name, f) != null) {
                throw new IllegalArgumentException("--ood " + f + ": another evaluation set is already named '" + name + "'");
            }
        }
        if (s.ood().isEmpty() && s.oodSize() > 0) {
            for (ObjectSet set : List.of(ObjectSet.HEXOS, ObjectSet.STRIPES)) ood.put(set.label(), cached(s, set, s.oodSize(), log));
        }
        return new TaskData(s.task(), pool, samples(pool), ood, s.data() == null, s.testSize());
    }

    public Task task() {
        return task;
    }

    /** The pool file. */
    public Path pool() {
        return pool;
    }

    public int poolSize() {
        return poolSize;
    }

    /**
     * Draws the split of (train size, seed) and loads its training rows and the evaluated test rows.
     * A pool that fits easily in memory is loaded whole on first use and kept, so the cells of a grid
     * do not stream the file again; a larger one is streamed per call, keeping only the rows needed.
     */
    public Split split(int trainSize, long seed) {
        DataSplit d = DataSplit.sample(poolSize, trainSize, seed);
        int[] rows = Arrays.copyOf(d.train(), d.train().length + testSize);
        System.arraycopy(d.test(), 0, rows, d.train().length, testSize);
        if (poolData == null && (long) poolSize * Canvas.IMAGE_BYTES <= Runtime.getRuntime().maxMemory() / 4) {
            poolData = RelgamesData.load(pool, null);
        }
        RelgamesData both = poolData != null ? poolData.select(rows) : RelgamesData.load(pool, rows, null);
        int[] train = range(0, trainSize), test = range(trainSize, rows.length);
        return new Split(both.select(train), both.select(test));
    }

    /** The OOD sets by name (hexos, stripes, ...), loaded on first use and kept. */
    public Map<String, RelgamesData> ood(PrintStream log) {
        if (ood == null) {
            Map<String, RelgamesData> m = new LinkedHashMap<>();
            oodFiles.forEach((name, f) -> {
                ProgressLine p = new ProgressLine("load " + f.getFileName(), 0, "images", log, ProgressLine.isTerminal(),
                        System::nanoTime, 5);
                m.put(name, RelgamesData.load(f, p));
                p.finish();
            });
            ood = m;
        }
        return ood;
    }

    /** The evaluation sets of a cell: {@code test} (its in-distribution subset) then the OOD sets. */
    public Map<String, RelgamesData> evalSets(Split split, PrintStream log) {
        Map<String, RelgamesData> m = new LinkedHashMap<>();
        m.put("test", split.test());
        m.putAll(ood(log));
        return m;
    }

    /** The data description saved in config.json. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task.label());
        m.put("pool", pool.toString());
        m.put("pool_size", poolSize);
        m.put("generated", generated);
        Map<String, Object> o = new LinkedHashMap<>();
        oodFiles.forEach((k, v) -> o.put(k, v.toString()));
        m.put("ood", o);
        m.put("validation_size", DataSplit.VALIDATION);
        m.put("test_size", testSize);
        m.put("split", "train_size + 5000 + 10000 rows drawn from the pool with replacement");
        return m;
    }

    /** The cached generated file of {@code set}, generating it first when absent. */
    private static Path cached(Source s, ObjectSet set, int n, PrintStream log) {
        long seed = s.dataSeed() * 31 + set.ordinal();
        Path f = s.cacheDir().resolve(s.task().label() + "_" + set.label() + "_n" + n + "_seed" + seed + ".npz");
        if (Files.isRegularFile(f)) return f;
        try {
            Files.createDirectories(s.cacheDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.println("generating " + f + " (once; later runs reuse it)");
        ProgressLine draw = new ProgressLine("draw " + set.label() + " scenes", n, "samples", log, ProgressLine.isTerminal(),
                System::nanoTime, 5);
        Generator.Dataset d = Generator.generate(s.task(), set, n, seed, draw);
        draw.finish();
        ProgressLine write = new ProgressLine("write " + f.getFileName(), n, "images", log, ProgressLine.isTerminal(),
                System::nanoTime, 5);
        Generator.write(d, f, NpzWriter.Compression.DEFLATED, write);
        write.finish();
        return f;
    }

    private static void requireFile(Path f, String option) {
        if (!Files.isRegularFile(f)) throw new UncheckedIOException(new NoSuchFileException(f + " (" + option + ")"));
    }

    /** Samples in an .npz: the first dimension of its labels. */
    private static int samples(Path npz) {
        try (NpzFile f = NpzFile.open(npz)) {
            if (!f.has("labels")) throw new IllegalArgumentException(npz + ": no 'labels' array; expected images and labels");
            return Math.toIntExact(f.header("labels").shape()[0]);
        }
    }

    private static int[] range(int from, int to) {
        int[] a = new int[to - from];
        for (int i = 0; i < a.length; i++) a[i] = from + i;
        return a;
    }
}
