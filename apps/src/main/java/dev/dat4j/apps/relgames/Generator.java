package dev.dat4j.apps.relgames;

import dev.dat4j.apps.data.NpyDtype;
import dev.dat4j.apps.data.NpzWriter;
import dev.dat4j.apps.run.ProgressLine;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Synthetic Relational Games data, deterministic from a seed. Scenes are drawn first (9 object ids
 * per sample, a few bytes each); images are rendered while the {@code .npz} is written, so a
 * 250,000-sample pentos file never needs its 0.97 GB of pixels in memory at once.
 *
 * <p>Each label is a fair coin; the sub-task (3task_col_patts only) is uniform. Every scene is
 * checked against the task's rule and redrawn in the rare case that chance broke the label.
 */
public final class Generator {
    private Generator() {}

    /**
     * Generated samples in symbolic form.
     *
     * @param cells    {@code n × 9} object ids of {@code objects}, row-major cells, -1 for empty
     * @param labels   0/1 per sample
     * @param subtasks the {@code tasks} array value per sample
     */
    public record Dataset(Task task, ObjectSet objects, int[] cells, int[] labels, int[] subtasks) {
        public int size() {
            return labels.length;
        }

        /** The scene of sample {@code i}. */
        public Glyph[] scene(int i) {
            Glyph[] g = new Glyph[9];
            for (int c = 0; c < 9; c++) {
                int id = cells[i * 9 + c];
                g[c] = id < 0 ? null : objects.glyph(id);
            }
            return g;
        }

        /** Renders sample {@code i} into {@code dst[off ..]} (HWC uint8). */
        public void render(int i, byte[] dst, int off) {
            Canvas.render(scene(i), dst, off);
        }
    }

    /** Draws {@code n} samples; {@code progress} may be null. */
    public static Dataset generate(Task task, ObjectSet objects, int n, long seed, ProgressLine progress) {
        if (n < 1) throw new IllegalArgumentException("--n must be positive, got " + n);
        SplittableRandom rnd = new SplittableRandom(seed);
        SceneSampler sampler = new SceneSampler(task, objects);
        int[] cells = new int[Math.multiplyExact(n, 9)];
        int[] labels = new int[n];
        int[] subtasks = new int[n];
        Glyph[] scene = new Glyph[9];
        for (int i = 0; i < n; i++) {
            int label = rnd.nextBoolean() ? 1 : 0;
            int subtask = task.subtasks() > 1 ? rnd.nextInt(task.subtasks()) : 0;
            int[] ids;
            int attempts = 0;
            do {
                if (++attempts > 1000) {
                    throw new IllegalStateException("cannot draw a " + task.label() + " scene with label " + label);
                }
                ids = sampler.sample(label, subtask, rnd);
                for (int c = 0; c < 9; c++) scene[c] = ids[c] < 0 ? null : objects.glyph(ids[c]);
            } while (task.label(scene, subtask) != label);
            System.arraycopy(ids, 0, cells, i * 9, 9);
            labels[i] = label;
            subtasks[i] = subtask;
            if (progress != null && (i + 1) % 1024 == 0) progress.update(i + 1);
        }
        if (progress != null) progress.update(n);
        return new Dataset(task, objects, cells, labels, subtasks);
    }

    /**
     * Writes the original layout: {@code images} (N,36,36,3) uint8, {@code labels} (N,1) int64 and
     * {@code tasks} (N,1) int64. {@code progress} (may be null) counts rendered images.
     */
    public static void write(Dataset d, Path out, NpzWriter.Compression compression, ProgressLine progress) {
        int n = d.size();
        int[] passes = {0};
        NpzWriter.write(out, compression, npz -> {
            npz.add("images", NpyDtype.UINT8, new long[]{n, Canvas.SIDE, Canvas.SIDE, Canvas.CHANNELS}, o -> {
                // stored entries are rendered twice (a CRC pass first): report only the pass that writes
                boolean report = progress != null && (compression == NpzWriter.Compression.DEFLATED || ++passes[0] == 2);
                int batch = 256;
                byte[] chunk = new byte[batch * Canvas.IMAGE_BYTES];
                for (int i = 0; i < n; i += batch) {
                    int k = Math.min(batch, n - i);
                    for (int j = 0; j < k; j++) d.render(i + j, chunk, j * Canvas.IMAGE_BYTES);
                    o.writeUint8(chunk, 0, k * Canvas.IMAGE_BYTES);
                    if (report) progress.update(i + k);
                }
            });
            npz.addInts("labels", NpyDtype.INT64, new long[]{n, 1}, d.labels());
            npz.addInts("tasks", NpyDtype.INT64, new long[]{n, 1}, d.subtasks());
        });
    }
}
