package dev.dat4j.apps.relgames;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws scenes (object ids per cell, -1 = empty) with a requested label, copying the sampling
 * measured on the real files (datasets.md §B1). Only between and 3task_col_patts could be measured
 * (the real hexos/stripes files); same, occurs, xoccurs and match_patt follow the task table and
 * the same conventions, and each inferred choice is marked below.
 *
 * <p>Shared conventions: an object that must differ from another is drawn with
 * {@link ObjectSet#different(int, SplittableRandom)} (for polyominoes 1/3 same colour, 1/3 same
 * mask, 1/3 any other object: the "hard negatives" of the real data); other objects are uniform.
 */
final class SceneSampler {
    /** Line choices for between: the 8 lines with the middle row twice (it is 2× as frequent in the real files). */
    private static final int[][] BETWEEN_SLOTS = {
        Task.LINES[0], Task.LINES[1], Task.LINES[2], Task.LINES[3], Task.LINES[4],
        Task.LINES[5], Task.LINES[6], Task.LINES[7], Task.LINES[1]};

    private final Task task;
    private final ObjectSet set;

    SceneSampler(Task task, ObjectSet set) {
        this.task = task;
        this.set = set;
    }

    /** A scene that should have {@code label} under the task's rule (the caller verifies it). */
    int[] sample(int label, int subtask, SplittableRandom rnd) {
        int[] ids = new int[9];
        Arrays.fill(ids, -1);
        boolean positive = label == 1;
        switch (task) {
            case SAME -> {
                // two distinct random cells
                int a = rnd.nextInt(9), b = rnd.nextInt(8);
                if (b >= a) b++;
                ids[a] = set.random(rnd);
                ids[b] = positive ? ids[a] : set.different(ids[a], rnd);
            }
            case OCCURS, XOCCURS -> occurs(ids, positive, rnd);
            case BETWEEN -> between(ids, positive, rnd);
            case MATCH_PATT -> {
                // inferred: the top row's pattern is uniform; the bottom row repeats it or takes another uniformly
                Pattern top = Pattern.values()[rnd.nextInt(5)];
                Pattern bottom = positive ? top : otherPattern(top, rnd);
                place(ids, new int[]{0, 1, 2}, fill(top, rnd));
                place(ids, new int[]{6, 7, 8}, fill(bottom, rnd));
            }
            case COL_PATTS -> {
                // measured: uniform column; negatives spread uniformly over the other 4 patterns
                int c = rnd.nextInt(3);
                Pattern target = Task.COLUMN_TARGETS[subtask];
                place(ids, new int[]{c, c + 3, c + 6}, fill(positive ? target : otherPattern(target, rnd), rnd));
            }
        }
        return ids;
    }

    /**
     * occurs/xoccurs. Inferred from the demo figures: the single top object sits in the top-middle
     * cell. Positives hold one copy of it in a random bottom cell; xoccurs negatives hold no copy
     * (half of them) or 2 or 3 copies (a quarter each), so that "exactly once" must be counted.
     * Bottom objects that are not copies differ from the top object.
     */
    private void occurs(int[] ids, boolean positive, SplittableRandom rnd) {
        int top = set.random(rnd);
        ids[1] = top;
        int copies;
        if (positive) {
            copies = 1;
        } else if (task == Task.OCCURS) {
            copies = 0;
        } else {
            int u = rnd.nextInt(4);
            copies = u < 2 ? 0 : u == 2 ? 2 : 3;
        }
        int[] order = permutation3(rnd);
        for (int k = 0; k < 3; k++) ids[6 + order[k]] = k < copies ? top : set.different(top, rnd);
    }

    /**
     * between. Measured on the real files: positives put the same object at both ends of a line and
     * a uniform object in the middle. Negatives pick uniformly among one "random scene" option (3
     * uniform cells out of 84 triples, 3 uniform objects) and one line option per difference mode
     * (ends differing by that mode, uniform middle): 4 options for polyominoes, 2 for stripes, which
     * gives the measured 22% / 47% of non-collinear negatives in hexos / stripes.
     */
    private void between(int[] ids, boolean positive, SplittableRandom rnd) {
        int modes = set.differenceModes();
        int option = positive ? -1 : rnd.nextInt(modes + 1);
        if (option == modes) {
            int[] cells = threeCells(rnd);
            for (int c : cells) ids[c] = set.random(rnd);
            return;
        }
        int[] line = BETWEEN_SLOTS[rnd.nextInt(BETWEEN_SLOTS.length)];
        int end = set.random(rnd);
        ids[line[0]] = end;
        ids[line[2]] = positive ? end : set.different(end, option, rnd);
        ids[line[1]] = set.random(rnd);
    }

    /**
     * Objects following a pattern. Measured on 3task_col_patts hexos: each new distinct object
     * differs (by a random difference mode) from one earlier object; for the third, from a randomly
     * chosen one of the first two, and it must also differ from the other.
     */
    private int[] fill(Pattern p, SplittableRandom rnd) {
        int[] distinct = new int[3];
        distinct[0] = set.random(rnd);
        if (p.distinct() >= 2) distinct[1] = set.different(distinct[0], rnd);
        if (p.distinct() == 3) {
            do {
                int ref = rnd.nextInt(2);
                distinct[2] = set.different(distinct[ref], rnd);
            } while (distinct[2] == distinct[0] || distinct[2] == distinct[1]);
        }
        return new int[]{distinct[p.slot(0)], distinct[p.slot(1)], distinct[p.slot(2)]};
    }

    private static Pattern otherPattern(Pattern p, SplittableRandom rnd) {
        int v = rnd.nextInt(4);
        return Pattern.values()[v >= p.ordinal() ? v + 1 : v];
    }

    private static void place(int[] ids, int[] cells, int[] objects) {
        for (int k = 0; k < 3; k++) ids[cells[k]] = objects[k];
    }

    /** Three distinct cells, uniform over the 84 triples. */
    private static int[] threeCells(SplittableRandom rnd) {
        int[] all = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < 3; i++) {
            int j = i + rnd.nextInt(9 - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return Arrays.copyOf(all, 3);
    }

    private static int[] permutation3(SplittableRandom rnd) {
        int[] p = {0, 1, 2};
        for (int i = 2; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
