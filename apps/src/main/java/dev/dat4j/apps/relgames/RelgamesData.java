package dev.dat4j.apps.relgames;

import dev.dat4j.apps.data.Labels;
import dev.dat4j.apps.data.NpyFormatException;
import dev.dat4j.apps.data.NpyHeader;
import dev.dat4j.apps.data.NpyInput;
import dev.dat4j.apps.data.NpzFile;
import dev.dat4j.apps.run.ProgressLine;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Relational Games samples in memory: images as HWC uint8 (3,888 bytes each, whatever the file's
 * dtype), labels 0/1 and sub-task ids. Loading streams the file, converting pixels on the fly.
 */
public final class RelgamesData {
    private final byte[] images;
    private final int[] labels;
    private final int[] subtasks;

    public RelgamesData(byte[] images, int[] labels, int[] subtasks) {
        if (images.length != (long) labels.length * Canvas.IMAGE_BYTES || subtasks.length != labels.length) {
            throw new IllegalArgumentException("images, labels and subtasks disagree on the sample count");
        }
        this.images = images;
        this.labels = labels;
        this.subtasks = subtasks;
    }

    /** Renders generated samples into memory. */
    public static RelgamesData of(Generator.Dataset d) {
        byte[] img = new byte[Math.multiplyExact(d.size(), Canvas.IMAGE_BYTES)];
        for (int i = 0; i < d.size(); i++) d.render(i, img, i * Canvas.IMAGE_BYTES);
        return new RelgamesData(img, d.labels().clone(), d.subtasks().clone());
    }

    public int size() {
        return labels.length;
    }

    /** All images, sample-major, each (36,36,3) HWC. Not a copy. */
    public byte[] images() {
        return images;
    }

    public int label(int i) {
        return labels[i];
    }

    public int subtask(int i) {
        return subtasks[i];
    }

    /** The samples at {@code rows}, in that order (repeats allowed). */
    public RelgamesData select(int[] rows) {
        byte[] img = new byte[Math.multiplyExact(rows.length, Canvas.IMAGE_BYTES)];
        int[] lab = new int[rows.length], sub = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(images, rows[k] * Canvas.IMAGE_BYTES, img, k * Canvas.IMAGE_BYTES, Canvas.IMAGE_BYTES);
            lab[k] = labels[rows[k]];
            sub[k] = subtasks[rows[k]];
        }
        return new RelgamesData(img, lab, sub);
    }

    /** Loads a whole {@code .npz}; {@code progress} (may be null) counts images. */
    public static RelgamesData load(Path npz, ProgressLine progress) {
        return load(npz, null, progress);
    }

    /**
     * Loads only the samples at {@code rows} (in that order, repeats allowed), streaming the images
     * once and stopping after the last row needed; null loads everything.
     */
    public static RelgamesData load(Path npz, int[] rows, ProgressLine progress) {
        try (NpzFile f = NpzFile.open(npz)) {
            int[] labels;
            try (NpyInput in = f.open("labels")) {
                labels = Labels.read(in);
            }
            int n = labels.length;
            int[] subtasks = f.has("tasks") ? readTasks(f, n) : new int[n];
            for (int i = 0; i < n; i++) {
                if (labels[i] != 0 && labels[i] != 1) {
                    throw new NpyFormatException("file " + npz + ": label " + i + " is " + labels[i] + "; expected 0 or 1");
                }
            }
            if (rows != null) {
                for (int r : rows) {
                    if (r < 0 || r >= n) throw new IllegalArgumentException("row " + r + " is outside " + npz + " (" + n + " samples)");
                }
            }
            int[] distinct = rows == null ? null : Arrays.stream(rows).sorted().distinct().toArray();
            byte[] images = readImages(f, n, distinct, progress);
            if (rows == null) return new RelgamesData(images, labels, subtasks);
            // images holds the distinct rows in increasing order: pick labels alike, then reorder
            int[] lab = new int[distinct.length], sub = new int[distinct.length];
            for (int k = 0; k < distinct.length; k++) {
                lab[k] = labels[distinct[k]];
                sub[k] = subtasks[distinct[k]];
            }
            int[] slots = new int[rows.length];
            for (int k = 0; k < rows.length; k++) slots[k] = Arrays.binarySearch(distinct, rows[k]);
            return new RelgamesData(images, lab, sub).select(slots);
        }
    }

    private static int[] readTasks(NpzFile f, int n) {
        try (NpyInput in = f.open("tasks")) {
            long[] s = in.header().shape();
            if (!(s.length == 1 || (s.length == 2 && s[1] == 1)) || s[0] != n) {
                throw new NpyFormatException(in.where() + ": tasks have shape " + in.header().shapeString()
                        + "; expected (" + n + ",) or (" + n + ", 1) to match the labels");
            }
            return in.readAllInts();
        }
    }

    /** Images of all rows, or only of {@code rows} (distinct, increasing). */
    private static byte[] readImages(NpzFile f, int n, int[] rows, ProgressLine progress) {
        try (NpyInput in = f.open("images")) {
            NpyHeader h = in.header();
            long[] s = h.shape();
            if (s.length != 4 || s[0] != n || s[1] != Canvas.SIDE || s[2] != Canvas.SIDE || s[3] != Canvas.CHANNELS) {
                throw new NpyFormatException(in.where() + ": images have shape " + h.shapeString() + "; expected ("
                        + n + ", 36, 36, 3) (N from the labels)");
            }
            int count = rows == null ? n : rows.length;
            byte[] out = new byte[Math.multiplyExact(count, Canvas.IMAGE_BYTES)];
            int next = 0; // index into rows
            for (int i = 0; i < n && next < count; i++) {
                if (rows == null || rows[next] == i) {
                    in.readUint8(out, next * Canvas.IMAGE_BYTES, Canvas.IMAGE_BYTES);
                    next++;
                } else {
                    in.skip(Canvas.IMAGE_BYTES);
                }
                if (progress != null && (i + 1) % 1024 == 0) progress.update(i + 1);
            }
            if (progress != null) progress.update(n);
            return out;
        }
    }
}
