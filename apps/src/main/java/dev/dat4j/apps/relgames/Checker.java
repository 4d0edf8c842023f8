package dev.dat4j.apps.relgames;

import dev.dat4j.apps.data.Labels;
import dev.dat4j.apps.data.NpyFormatException;
import dev.dat4j.apps.data.NpyHeader;
import dev.dat4j.apps.data.NpyInput;
import dev.dat4j.apps.data.NpzFile;
import dev.dat4j.apps.run.ProgressLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a Relational Games {@code .npz} against this package's model of the data: every image
 * is decoded into objects, re-rendered and compared byte for byte, and its label is re-derived
 * from the task's rule. On the real files every count equals the number of images.
 */
public final class Checker {
    /** Problems listed in detail; the rest are only counted. */
    private static final int MAX_PROBLEMS = 5;
    private static final int CHUNK_IMAGES = 64;

    private Checker() {}

    /**
     * The outcome of a check.
     *
     * @param objectSet      the object set named by the file name, else the one holding most objects
     * @param rerenderExact  images identical to the re-rendering of their decoded objects
     * @param labelAgreement labels equal to the task rule's verdict
     * @param layoutOk       images whose occupied cells fit the task
     * @param objectsInSet   decoded objects that belong to {@code objectSet}
     * @param problems       the first few failures, described
     */
    public record Report(Path file, Task task, ObjectSet objectSet, long images, long rerenderExact,
                         long labelAgreement, long layoutOk, long objects, long objectsInSet, long positives,
                         double seconds, List<String> problems) {
        /** True when every image re-renders exactly, has a valid layout and agrees with its label. */
        public boolean allGood() {
            return rerenderExact == images && labelAgreement == images && layoutOk == images && objectsInSet == objects;
        }

        /** The fields of the final JSON line. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.put("task", task.label());
            m.put("object_set", objectSet.label());
            m.put("images", images);
            m.put("rerender_exact", rerenderExact);
            m.put("label_agreement", labelAgreement);
            m.put("layout_ok", layoutOk);
            m.put("objects", objects);
            m.put("objects_in_set", objectsInSet);
            m.put("positives", positives);
            m.put("seconds", Math.round(seconds * 1000) / 1000.0);
            return m;
        }
    }

    /**
     * Checks {@code npz}.
     *
     * @param task     the task, or null to read it from the file name
     * @param progress counts images (may be null)
     */
    public static Report check(Path npz, Task task, ProgressLine progress) {
        long t0 = System.nanoTime();
        String name = npz.getFileName().toString();
        try (NpzFile f = NpzFile.open(npz)) {
            if (task == null) {
                task = Task.fromFileName(name).orElseThrow(() -> new IllegalArgumentException(
                        "cannot tell the task from the file name '" + name + "'; pass --task"));
            }
            int[] labels;
            try (NpyInput in = f.open("labels")) {
                labels = Labels.read(in);
            }
            int n = labels.length;
            int[] subtasks = new int[n];
            if (f.has("tasks")) {
                try (NpyInput in = f.open("tasks")) {
                    if (in.header().count() != n) {
                        throw new NpyFormatException(in.where() + ": tasks " + in.header() + " do not match " + n + " labels");
                    }
                    subtasks = in.readAllInts();
                }
            }
            Tally tally = new Tally(task, Arrays.stream(labels).filter(l -> l == 1).count());
            try (NpyInput in = f.open("images")) {
                NpyHeader h = in.header();
                long[] s = h.shape();
                if (s.length != 4 || s[0] != n || s[1] != Canvas.SIDE || s[2] != Canvas.SIDE || s[3] != Canvas.CHANNELS) {
                    throw new NpyFormatException(in.where() + ": images have shape " + h.shapeString()
                            + "; expected (" + n + ", 36, 36, 3) (N from the labels)");
                }
                if (progress != null) progress.setTotal(n);
                byte[] chunk = new byte[CHUNK_IMAGES * Canvas.IMAGE_BYTES];
                for (int i = 0; i < n; i += CHUNK_IMAGES) {
                    int k = Math.min(CHUNK_IMAGES, n - i);
                    in.readUint8(chunk, 0, k * Canvas.IMAGE_BYTES);
                    for (int j = 0; j < k; j++) tally.image(i + j, chunk, j * Canvas.IMAGE_BYTES, labels[i + j], subtasks[i + j]);
                    if (progress != null) progress.update(i + k);
                }
            }
            ObjectSet set = ObjectSet.fromFileName(name).orElse(tally.commonestSet());
            return new Report(npz, task, set, n, tally.exact, tally.agree, tally.layoutOk, tally.objects,
                    tally.inSet[set.ordinal()], tally.positives, (System.nanoTime() - t0) / 1e9, tally.problems);
        }
    }

    /** Running counts over the images. */
    private static final class Tally {
        final Task task;
        final long positives;
        final byte[] rendered = new byte[Canvas.IMAGE_BYTES];
        final long[] inSet = new long[ObjectSet.values().length];
        final List<String> problems = new ArrayList<>();
        long exact, agree, layoutOk, objects;

        Tally(Task task, long positives) {
            this.task = task;
            this.positives = positives;
        }

        void image(int index, byte[] img, int off, int label, int subtask) {
            Glyph[] cells = Canvas.decode(img, off);
            Canvas.render(cells, rendered, 0);
            int diff = Arrays.mismatch(img, off, off + Canvas.IMAGE_BYTES, rendered, 0, Canvas.IMAGE_BYTES);
            if (diff < 0) {
                exact++;
            } else {
                int px = diff / Canvas.CHANNELS;
                problem("image " + index + ": pixel (row " + px / Canvas.SIDE + ", col " + px % Canvas.SIDE
                        + ") differs from the re-rendering of its decoded objects");
            }
            for (Glyph g : cells) {
                if (g == null) continue;
                objects++;
                for (ObjectSet s : ObjectSet.values()) if (s.contains(g)) inSet[s.ordinal()]++;
            }
            try {
                int rule = task.label(cells, subtask);
                layoutOk++;
                if (rule == label) {
                    agree++;
                } else {
                    problem("image " + index + ": label " + label + " but the " + task.label() + " rule gives " + rule);
                }
            } catch (Task.LayoutException e) {
                problem("image " + index + ": " + e.getMessage());
            }
        }

        ObjectSet commonestSet() {
            ObjectSet best = ObjectSet.PENTOS;
            for (ObjectSet s : ObjectSet.values()) if (inSet[s.ordinal()] > inSet[best.ordinal()]) best = s;
            return best;
        }

        private void problem(String p) {
            if (problems.size() < MAX_PROBLEMS) problems.add(p);
        }
    }
}
