package dev.dat4j.apps.relgames;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectSetTest {

    @Test
    void setsHaveTheSizesOfTheSpec() {
        assertEquals(49, ObjectSet.polyominoes(5).length, "connected 5-cell subsets of 3x3");
        assertEquals(48, ObjectSet.polyominoes(6).length, "connected 6-cell subsets of 3x3");
        assertEquals(49 * 25, ObjectSet.PENTOS.size());
        assertEquals(48 * 25, ObjectSet.HEXOS.size());
        assertEquals(25 * 25, ObjectSet.STRIPES.size());
        for (ObjectSet s : ObjectSet.values()) {
            Set<Glyph> distinct = new HashSet<>();
            for (int id = 0; id < s.size(); id++) {
                assertTrue(distinct.add(s.glyph(id)));
                assertEquals(id, s.id(s.glyph(id)));
            }
        }
    }

    @Test
    void palettesAreTheMeasuredOnes() {
        int[] hexos = ObjectSet.HEXOS.palette();
        assertEquals(25, hexos.length);
        Set<Integer> seen = new HashSet<>();
        for (int c : hexos) {
            for (int shift : new int[]{16, 8, 0}) {
                int v = c >> shift & 0xff;
                assertTrue(v == 64 || v == 144 || v == 192, Integer.toHexString(c));
            }
            seen.add(c);
        }
        assertFalse(seen.contains(0x404040) || seen.contains(0xc0c0c0), "no darkest or brightest grey");
        assertTrue(seen.contains(0x909090), "middle grey stays");
        int[] pentos = ObjectSet.PENTOS.palette();
        Set<Integer> p = new HashSet<>();
        for (int c : pentos) p.add(c);
        assertEquals(25, p.size());
        assertFalse(p.contains(0x000000) || p.contains(0xffffff));
        // colours read off the rendered demo figures
        for (int c : new int[]{0xff80ff, 0xff00ff, 0x0080ff, 0xff0000, 0x80ff00, 0x808080, 0x000080}) assertTrue(p.contains(c));
    }

    @Test
    void stripesHaveOuterColumnsAndAnInnerColumn() {
        Glyph g = ObjectSet.STRIPES.glyph(3 * 25 + 7);
        int[] pal = ObjectSet.STRIPES.palette();
        for (int r = 0; r < 3; r++) {
            assertEquals(pal[3], g.colour(r, 0));
            assertEquals(pal[7], g.colour(r, 1));
            assertEquals(pal[3], g.colour(r, 2));
        }
        assertEquals(0x1ff, g.mask());
    }

    @Test
    void differentObjectsFollowTheirMode() {
        SplittableRandom rnd = new SplittableRandom(1);
        ObjectSet s = ObjectSet.PENTOS;
        for (int t = 0; t < 2000; t++) {
            int a = s.random(rnd);
            int sameColour = s.different(a, 0, rnd), sameMask = s.different(a, 1, rnd), any = s.different(a, 2, rnd);
            assertEquals(a % 25, sameColour % 25);
            assertNotEquals(a / 25, sameColour / 25);
            assertEquals(a / 25, sameMask / 25);
            assertNotEquals(a % 25, sameMask % 25);
            assertNotEquals(a, any);
            assertNotEquals(a, s.different(a, rnd));
            int st = ObjectSet.STRIPES.random(rnd);
            assertNotEquals(st, ObjectSet.STRIPES.different(st, rnd));
        }
        assertEquals(3, ObjectSet.HEXOS.differenceModes());
        assertEquals(1, ObjectSet.STRIPES.differenceModes());
    }

    @Test
    void namesParseAndComeFromFileNames() {
        assertEquals(ObjectSet.HEXOS, ObjectSet.parse("HEXOS"));
        assertEquals(ObjectSet.STRIPES, ObjectSet.fromFileName("mini_between_stripes.npz").orElseThrow());
        assertTrue(ObjectSet.fromFileName("data.npz").isEmpty());
        var e = assertThrows(IllegalArgumentException.class, () -> ObjectSet.parse("squares"));
        assertTrue(e.getMessage().contains("pentos, hexos or stripes"));
    }
}
