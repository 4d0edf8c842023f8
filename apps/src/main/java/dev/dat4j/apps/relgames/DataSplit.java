package dev.dat4j.apps.relgames;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The data protocol of the DAT learning curves (dat-spec.md §8.1): from the whole pentos file draw
 * {@code trainSize + 5,000 + 10,000} row indices uniformly WITH replacement (numpy's default, so a
 * row can repeat, also across splits); the first {@code trainSize} are the training set, the next
 * 5,000 the validation set (not used for selection) and the last 10,000 the in-distribution test set.
 *
 * @param train      rows of the training set
 * @param validation rows of the validation set
 * @param test       rows of the in-distribution test set
 */
public record DataSplit(int[] train, int[] validation, int[] test) {
    public static final int VALIDATION = 5000;
    public static final int TEST = 10000;

    /** Draws the split for one (train size, seed) cell from a file of {@code fileSize} samples. */
    public static DataSplit sample(int fileSize, int trainSize, long seed) {
        if (fileSize < 1) throw new IllegalArgumentException("the training file has no samples");
        if (trainSize < 1) throw new IllegalArgumentException("train size must be positive, got " + trainSize);
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] all = new int[trainSize + VALIDATION + TEST];
        for (int i = 0; i < all.length; i++) all[i] = rnd.nextInt(fileSize);
        return new DataSplit(Arrays.copyOfRange(all, 0, trainSize),
                Arrays.copyOfRange(all, trainSize, trainSize + VALIDATION),
                Arrays.copyOfRange(all, trainSize + VALIDATION, all.length));
    }

    /** All rows in draw order (train, validation, test), e.g. to load them in one pass. */
    public int[] all() {
        int[] out = Arrays.copyOf(train, train.length + validation.length + test.length);
        System.arraycopy(validation, 0, out, train.length, validation.length);
        System.arraycopy(test, 0, out, train.length + validation.length, test.length);
        return out;
    }
}
