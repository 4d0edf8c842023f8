package dev.dat4j.apps.relgames;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Mini-batches of Relational Games samples as model input: images become channels-first floats
 * in [0, 1] ({@code x/255}, no normalisation, as in the DAT code), labels ints. Each epoch visits
 * every sample once, in a fresh seeded order when shuffling; the last batch may be smaller
 * (PyTorch's {@code drop_last=False}).
 */
public final class Batches {
    /** The paper's batch size. */
    public static final int DEFAULT_BATCH = 512;
    /** Floats per image: (3, 36, 36). */
    public static final int IMAGE_FLOATS = Canvas.IMAGE_BYTES;

    /**
     * One batch.
     *
     * @param x    {@code (size, 3, 36, 36)} row-major, values in [0, 1]
     * @param y    {@code (size)} labels
     * @param rows the samples' indices in the dataset
     */
    public record Batch(float[] x, int[] y, int[] rows) {
        public int size() {
            return y.length;
        }
    }

    private final RelgamesData data;
    private final int batchSize;
    private final long seed;

    public Batches(RelgamesData data, int batchSize, long seed) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public int batchesPerEpoch() {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /** The batches of epoch {@code epoch}, shuffled with a seed derived from (seed, epoch). */
    public Iterator<Batch> epoch(int epoch) {
        int[] order = identity(data.size());
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return batches(order);
    }

    /** The batches in dataset order (for evaluation). */
    public Iterator<Batch> inOrder() {
        return batches(identity(data.size()));
    }

    private Iterator<Batch> batches(int[] order) {
        return new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int b = Math.min(batchSize, order.length - next);
                float[] x = new float[b * IMAGE_FLOATS];
                int[] y = new int[b];
                int[] rows = new int[b];
                for (int k = 0; k < b; k++) {
                    int row = order[next + k];
                    toChannelsFirst(data.images(), row * Canvas.IMAGE_BYTES, x, k * IMAGE_FLOATS);
                    y[k] = data.label(row);
                    rows[k] = row;
                }
                next += b;
                return new Batch(x, y, rows);
            }
        };
    }

    /** One image: HWC uint8 {@code (36,36,3)} → CHW float {@code (3,36,36)} divided by 255. */
    public static void toChannelsFirst(byte[] hwc, int off, float[] chw, int dstOff) {
        int plane = Canvas.SIDE * Canvas.SIDE;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < Canvas.CHANNELS; c++) {
                chw[dstOff + c * plane + p] = (hwc[off + p * Canvas.CHANNELS + c] & 0xff) / 255f;
            }
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }
}
