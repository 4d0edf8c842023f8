package dev.dat4j.apps.relgames;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where training data comes from (picocli mixin of {@code relgames train} and {@code relgames curve}). */
public final class DataOptions {

    @Option(names = "--data", paramLabel = "FILE.npz",
            description = "In-distribution pool, e.g. xoccurs_pentos.npz. Each run draws train_size + 5,000 + 10,000 "
                    + "rows from it with replacement (train, unused validation, test). "
                    + "Default: a generated pentos pool of --pool-size samples.")
    Path data;

    @Option(names = "--ood", paramLabel = "FILE.npz", arity = "1..*",
            description = "Out-of-distribution files, evaluated in full and named by their object set "
                    + "(e.g. xoccurs_hexos.npz gives hexos_acc). Default: generated hexos and stripes.")
    List<Path> ood = new ArrayList<>();

    @Option(names = "--pool-size", paramLabel = "N", defaultValue = "" + TaskData.POOL_SIZE,
            description = "Samples of a generated pentos pool (default: ${DEFAULT-VALUE}, like the real files).")
    int poolSize;

    @Option(names = "--ood-size", paramLabel = "N", defaultValue = "" + TaskData.OOD_SIZE,
            description = "Samples of each generated OOD set (default: ${DEFAULT-VALUE}, like the real files; 0: no OOD evaluation).")
    int oodSize;

    @Option(names = "--data-seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the generated data files (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Where generated data files are kept and reused (default: OUT/data).")
    Path cache;

    @Option(names = "--test-size", paramLabel = "N", defaultValue = "" + DataSplit.TEST,
            description = "Rows of the in-distribution test draw that are evaluated (default: ${DEFAULT-VALUE}, "
                    + "the paper's; fewer only for quick checks).")
    int testSize;

    /** The data source of {@code task} for a run writing to {@code out}. */
    TaskData.Source source(Task task, Path out) {
        return new TaskData.Source(task, data, ood, poolSize, oodSize, dataSeed, cache != null ? cache : out.resolve("data"),
                testSize);
    }
}
