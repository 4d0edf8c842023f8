package dev.dat4j.apps.relgames;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Relational Games tasks and their rules (datasets.md §B1). Cells are numbered row-major 0..8;
 * "same" always means equal glyphs. The rule of a task turns a decoded scene into its label and
 * rejects scenes whose layout the task never produces.
 *
 * <ul>
 *   <li>{@code same}: 2 objects; 1 iff they are the same.</li>
 *   <li>{@code occurs}: 1 object in the top row, 3 in the bottom row, middle row empty; 1 iff the top
 *       object occurs in the bottom row.</li>
 *   <li>{@code xoccurs}: same layout; 1 iff it occurs there exactly once.</li>
 *   <li>{@code between}: 3 objects; 1 iff they lie on one of the 8 lines (rows, columns, diagonals)
 *       and the two outer ones are the same.</li>
 *   <li>{@code match_patt}: top and bottom rows full, middle row empty; 1 iff both rows follow the
 *       same pattern ({@link Pattern}).</li>
 *   <li>{@code 3task_col_patts}: one full column, nothing else; sub-task 0/1/2 asks whether the
 *       column's pattern is ABA / AAB / ABB.</li>
 * </ul>
 */
public enum Task {
    SAME("same"),
    OCCURS("occurs"),
    XOCCURS("xoccurs"),
    BETWEEN("between", "1task_between"),
    MATCH_PATT("match_patt", "1task_match_patt"),
    COL_PATTS("3task_col_patts", "col_patts");

    /** The 8 lines of the grid; element 1 is the middle cell, elements 0 and 2 the ends. */
    static final int[][] LINES = {
        {0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6}, {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}};
    /** Target pattern of each {@code 3task_col_patts} sub-task. */
    static final Pattern[] COLUMN_TARGETS = {Pattern.ABA, Pattern.AAB, Pattern.ABB};

    private final String label;
    private final String[] aliases;

    Task(String label, String... aliases) {
        this.label = label;
        this.aliases = aliases;
    }

    /** The name used on the command line and in file names. */
    public String label() {
        return label;
    }

    /** Number of sub-tasks (values of the {@code tasks} array): 3 for col_patts, else 1. */
    public int subtasks() {
        return this == COL_PATTS ? 3 : 1;
    }

    public static Task parse(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        for (Task task : values()) {
            if (task.label.equals(t) || List.of(task.aliases).contains(t)) return task;
        }
        throw new IllegalArgumentException("unknown task '" + s
                + "'; expected same, occurs, xoccurs, between, match_patt or 3task_col_patts");
    }

    /** The task named in a file name such as {@code mini_3task_col_patts_hexos.npz}, if any. */
    public static Optional<Task> fromFileName(String fileName) {
        String f = fileName.toLowerCase(Locale.ROOT);
        // most specific names first: "xoccurs" contains "occurs"
        Task[] order = {COL_PATTS, MATCH_PATT, XOCCURS, OCCURS, BETWEEN, SAME};
        for (Task t : order) {
            if (f.contains(t.label)) return Optional.of(t);
            for (String a : t.aliases) if (f.contains(a)) return Optional.of(t);
        }
        return Optional.empty();
    }

    /** A scene whose layout this task never produces. */
    public static final class LayoutException extends RuntimeException {
        LayoutException(String message) {
            super(message);
        }
    }

    /**
     * The label (0 or 1) the task's rule gives a scene.
     *
     * @param cells    the scene, row-major, null for an empty cell
     * @param subtask  the value of the {@code tasks} array (0 unless the task has sub-tasks)
     * @throws LayoutException when the layout does not fit the task
     */
    public int label(Glyph[] cells, int subtask) {
        if (subtask < 0 || subtask >= subtasks()) {
            throw new LayoutException("sub-task " + subtask + " does not exist for " + label);
        }
        List<Integer> occupied = new ArrayList<>();
        for (int i = 0; i < 9; i++) if (cells[i] != null) occupied.add(i);
        return switch (this) {
            case SAME -> {
                require(occupied.size() == 2, "2 objects", occupied);
                yield bit(cells[occupied.get(0)].equals(cells[occupied.get(1)]));
            }
            case OCCURS, XOCCURS -> {
                require(count(cells, 0) == 1 && count(cells, 1) == 0 && count(cells, 2) == 3,
                        "1 object in the top row, none in the middle row and 3 in the bottom row", occupied);
                Glyph top = cells[occupied.get(0)];
                int matches = 0;
                for (int c = 6; c < 9; c++) if (cells[c].equals(top)) matches++;
                yield bit(this == OCCURS ? matches >= 1 : matches == 1);
            }
            case BETWEEN -> {
                require(occupied.size() == 3, "3 objects", occupied);
                int[] line = lineThrough(occupied);
                yield bit(line != null && cells[line[0]].equals(cells[line[2]]));
            }
            case MATCH_PATT -> {
                require(count(cells, 0) == 3 && count(cells, 1) == 0 && count(cells, 2) == 3,
                        "full top and bottom rows and an empty middle row", occupied);
                yield bit(Pattern.of(cells[0], cells[1], cells[2]) == Pattern.of(cells[6], cells[7], cells[8]));
            }
            case COL_PATTS -> {
                require(occupied.size() == 3 && occupied.get(0) < 3
                                && occupied.get(1) == occupied.get(0) + 3 && occupied.get(2) == occupied.get(0) + 6,
                        "one full column and nothing else", occupied);
                int c = occupied.get(0);
                yield bit(Pattern.of(cells[c], cells[c + 3], cells[c + 6]) == COLUMN_TARGETS[subtask]);
            }
        };
    }

    /** The line (from {@link #LINES}) made of exactly these three cells, or null. */
    static int[] lineThrough(List<Integer> threeCells) {
        for (int[] l : LINES) {
            if (threeCells.contains(l[0]) && threeCells.contains(l[1]) && threeCells.contains(l[2])) return l;
        }
        return null;
    }

    private static int count(Glyph[] cells, int row) {
        int n = 0;
        for (int c = 0; c < 3; c++) if (cells[row * 3 + c] != null) n++;
        return n;
    }

    private void require(boolean ok, String expected, List<Integer> occupied) {
        if (!ok) {
            throw new LayoutException(label + " expects " + expected + ", but the occupied cells are " + occupied
                    + " (row-major 0..8)");
        }
    }

    private static int bit(boolean b) {
        return b ? 1 : 0;
    }
}
