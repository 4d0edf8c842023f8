package dev.dat4j.apps.relgames;

import dev.dat4j.apps.run.RunDirectory;
import dev.dat4j.vecops.Backend;

import java.io.PrintStream;
import java.util.Map;

/**
 * Runs one learning-curve cell for real: draws the cell's split from the task's pool (seeded by the
 * cell's seed), trains the cell's model under the protocol and returns {@link Trainer.Result#metrics()}.
 * Epochs are printed to {@code log} and appended to the run's {@code metrics.jsonl} tagged with the cell.
 */
final class TrainingCellRunner implements CellRunner {
    private final TaskData data;
    private final Protocol protocol;
    private final Backend backend;
    private final RunDirectory dir;
    private final PrintStream log;

    TrainingCellRunner(TaskData data, Protocol protocol, Backend backend, RunDirectory dir, PrintStream log) {
        this.data = data;
        this.protocol = protocol;
        this.backend = backend;
        this.dir = dir;
        this.log = log;
    }

    @Override
    public Map<String, Double> run(GridCell cell) {
        if (!cell.task().equals(data.task().label())) {
            throw new IllegalArgumentException("cell " + cell.key() + " is not of task " + data.task().label());
        }
        RelgamesModel spec = RelgamesModel.parse(cell.model());
        TaskData.Split split = data.split(cell.trainSize(), cell.seed());
        Map<String, RelgamesData> eval = data.evalSets(split, log);
        EpochLog epochs = new EpochLog(cell.key(), log, dir, Map.of("cell", cell.key()));
        return Trainer.run(spec, split.train(), eval, protocol, cell.seed(), backend, epochs, null).metrics();
    }
}
