package dev.dat4j.apps.relgames;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The §8.1 split and the mini-batch pipeline. */
class DataProtocolTest {

    @Test
    void splitDrawsWithReplacementInTheSpecOrder() {
        DataSplit s = DataSplit.sample(250_000, 750, 4);
        assertEquals(750, s.train().length);
        assertEquals(5000, s.validation().length);
        assertEquals(10000, s.test().length);
        int[] all = s.all();
        assertEquals(15750, all.length);
        assertArrayEquals(s.train(), Arrays.copyOf(all, 750));
        for (int r : all) assertTrue(r >= 0 && r < 250_000);
        assertArrayEquals(all, DataSplit.sample(250_000, 750, 4).all(), "seeded");
        assertFalse(Arrays.equals(all, DataSplit.sample(250_000, 750, 5).all()));
        // from a small file, drawing 15,250 rows with replacement must repeat rows
        int[] small = DataSplit.sample(1000, 250, 0).all();
        assertTrue(Arrays.stream(small).distinct().count() < small.length);
    }

    @Test
    void batchesCoverEachEpochOnceInAFreshSeededOrder() {
        RelgamesData data = RelgamesData.of(Generator.generate(Task.SAME, ObjectSet.PENTOS, 1100, 1, null));
        Batches b = new Batches(data, 512, 9);
        assertEquals(3, b.batchesPerEpoch());
        int[][] orders = new int[2][];
        for (int epoch = 0; epoch < 2; epoch++) {
            Iterator<Batches.Batch> it = b.epoch(epoch);
            int[] order = new int[0];
            int[] sizes = new int[3];
            for (int k = 0; it.hasNext(); k++) {
                Batches.Batch batch = it.next();
                sizes[k] = batch.size();
                assertEquals(batch.size() * 3 * 36 * 36, batch.x().length);
                order = concat(order, batch.rows());
                for (int j = 0; j < batch.size(); j++) assertEquals(data.label(batch.rows()[j]), batch.y()[j]);
            }
            assertArrayEquals(new int[]{512, 512, 76}, sizes);
            Set<Integer> seen = new HashSet<>();
            for (int r : order) seen.add(r);
            assertEquals(1100, seen.size(), "every sample exactly once");
            orders[epoch] = order;
        }
        assertFalse(Arrays.equals(orders[0], orders[1]), "reshuffled each epoch");
        Iterator<Batches.Batch> again = new Batches(data, 512, 9).epoch(1);
        assertArrayEquals(Arrays.copyOf(orders[1], 512), again.next().rows(), "same seed, same order");
    }

    @Test
    void imagesBecomeChannelsFirstFloatsOverTwoFiftyFive() {
        byte[] hwc = new byte[Canvas.IMAGE_BYTES];
        // pixel (row 2, col 5) = (255, 128, 1)
        int p = (2 * 36 + 5) * 3;
        hwc[p] = (byte) 255;
        hwc[p + 1] = (byte) 128;
        hwc[p + 2] = 1;
        float[] chw = new float[Canvas.IMAGE_BYTES + 7];
        Batches.toChannelsFirst(hwc, 0, chw, 7);
        int plane = 36 * 36, q = 2 * 36 + 5;
        assertEquals(1f, chw[7 + q]);
        assertEquals(128 / 255f, chw[7 + plane + q]);
        assertEquals(1 / 255f, chw[7 + 2 * plane + q]);
        double sum = 0;
        for (float v : chw) sum += v;
        assertEquals(1 + 128 / 255.0 + 1 / 255.0, sum, 1e-6);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
