package dev.dat4j.apps.relgames;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskTest {
    private static final Glyph A = ObjectSet.HEXOS.glyph(0);
    private static final Glyph B = ObjectSet.HEXOS.glyph(1); // same mask, another colour
    private static final Glyph C = ObjectSet.HEXOS.glyph(25); // same colour as A, another mask

    /** A scene from 9 entries, row-major. */
    private static Glyph[] scene(Glyph... cells) {
        return cells;
    }

    @Test
    void same() {
        assertEquals(1, Task.SAME.label(scene(A, null, null, null, null, null, null, null, A), 0));
        assertEquals(0, Task.SAME.label(scene(null, A, null, null, B, null, null, null, null), 0));
        assertEquals(0, Task.SAME.label(scene(null, A, null, null, C, null, null, null, null), 0));
        assertThrows(Task.LayoutException.class, () -> Task.SAME.label(scene(A, A, A, null, null, null, null, null, null), 0));
    }

    @Test
    void occursAndXoccurs() {
        Glyph[] once = scene(null, A, null, null, null, null, B, A, C);
        Glyph[] twice = scene(null, A, null, null, null, null, A, A, C);
        Glyph[] never = scene(A, null, null, null, null, null, B, C, B);
        assertEquals(1, Task.OCCURS.label(once, 0));
        assertEquals(1, Task.OCCURS.label(twice, 0));
        assertEquals(0, Task.OCCURS.label(never, 0));
        assertEquals(1, Task.XOCCURS.label(once, 0));
        assertEquals(0, Task.XOCCURS.label(twice, 0));
        assertEquals(0, Task.XOCCURS.label(never, 0));
        assertThrows(Task.LayoutException.class, () -> Task.OCCURS.label(scene(null, A, null, B, null, null, B, A, C), 0));
    }

    @Test
    void betweenNeedsALineAndEqualEnds() {
        assertEquals(1, Task.BETWEEN.label(scene(null, null, A, null, B, null, A, null, null), 0), "anti-diagonal");
        assertEquals(1, Task.BETWEEN.label(scene(null, C, null, null, A, null, null, C, null), 0), "middle column");
        assertEquals(0, Task.BETWEEN.label(scene(null, C, null, null, A, null, null, B, null), 0), "ends differ");
        assertEquals(0, Task.BETWEEN.label(scene(A, null, null, null, null, B, null, A, null), 0), "not a line");
        assertEquals(0, Task.BETWEEN.label(scene(A, A, null, null, null, null, A, null, null), 0), "not a line");
    }

    @Test
    void matchPatternComparesRowPatterns() {
        assertEquals(1, Task.MATCH_PATT.label(scene(A, B, A, null, null, null, C, B, C), 0), "ABA = ABA");
        assertEquals(1, Task.MATCH_PATT.label(scene(A, B, C, null, null, null, C, B, A), 0), "ABC = ABC");
        assertEquals(0, Task.MATCH_PATT.label(scene(A, A, B, null, null, null, A, B, B), 0), "AAB vs ABB");
        assertThrows(Task.LayoutException.class, () -> Task.MATCH_PATT.label(scene(A, B, A, null, A, null, C, B, C), 0));
    }

    @Test
    void columnPatternsHaveThreeSubtasks() {
        Glyph[] aba = scene(null, A, null, null, B, null, null, A, null);
        Glyph[] aab = scene(null, null, A, null, null, A, null, null, C);
        Glyph[] abb = scene(B, null, null, A, null, null, A, null, null);
        assertEquals(1, Task.COL_PATTS.label(aba, 0));
        assertEquals(0, Task.COL_PATTS.label(aba, 1));
        assertEquals(1, Task.COL_PATTS.label(aab, 1));
        assertEquals(0, Task.COL_PATTS.label(aab, 2));
        assertEquals(1, Task.COL_PATTS.label(abb, 2));
        assertEquals(0, Task.COL_PATTS.label(abb, 0));
        assertThrows(Task.LayoutException.class, () -> Task.COL_PATTS.label(aba, 3));
        assertThrows(Task.LayoutException.class, () -> Task.COL_PATTS.label(scene(A, A, A, null, null, null, null, null, null), 0));
    }

    @Test
    void patternsOfTriples() {
        assertEquals(Pattern.AAA, Pattern.of(A, A, A));
        assertEquals(Pattern.AAB, Pattern.of(A, A, B));
        assertEquals(Pattern.ABA, Pattern.of(A, B, A));
        assertEquals(Pattern.ABB, Pattern.of(A, B, B));
        assertEquals(Pattern.ABC, Pattern.of(A, B, C));
        assertEquals(1, Pattern.AAA.distinct());
        assertEquals(2, Pattern.ABA.distinct());
        assertEquals(3, Pattern.ABC.distinct());
    }

    @Test
    void namesAndFileNames() {
        assertEquals(Task.BETWEEN, Task.parse("1task_between"));
        assertEquals(Task.MATCH_PATT, Task.parse("1task_match_patt"));
        assertEquals(Task.COL_PATTS, Task.parse("col_patts"));
        assertEquals(Task.COL_PATTS, Task.fromFileName("mini_3task_col_patts_hexos.npz").orElseThrow());
        assertEquals(Task.XOCCURS, Task.fromFileName("xoccurs_pentos.npz").orElseThrow());
        assertEquals(Task.OCCURS, Task.fromFileName("occurs_pentos.npz").orElseThrow());
        assertTrue(Task.fromFileName("images.npz").isEmpty());
        var e = assertThrows(IllegalArgumentException.class, () -> Task.parse("bigger"));
        assertTrue(e.getMessage().contains("unknown task 'bigger'"));
    }
}
