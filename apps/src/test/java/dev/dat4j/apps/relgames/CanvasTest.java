package dev.dat4j.apps.relgames;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CanvasTest {

    private static int pixel(byte[] img, int row, int col) {
        int p = (row * 36 + col) * 3;
        return (img[p] & 0xff) << 16 | (img[p + 1] & 0xff) << 8 | img[p + 2] & 0xff;
    }

    @Test
    void objectsSitInTheirBoxWithOnePixelTopLeftAndTwoBottomRightPadding() {
        Glyph full = ObjectSet.STRIPES.glyph(0);
        Glyph[] cells = new Glyph[9];
        cells[4] = full; // centre cell: rows and columns 12..23
        byte[] img = new byte[Canvas.IMAGE_BYTES];
        Canvas.render(cells, img, 0);
        int outer = full.colour(0, 0), inner = full.colour(0, 1);
        assertEquals(0, pixel(img, 12, 12));
        assertEquals(outer, pixel(img, 13, 13));
        assertEquals(inner, pixel(img, 13, 16));
        assertEquals(inner, pixel(img, 21, 18));
        assertEquals(outer, pixel(img, 21, 21));
        assertEquals(0, pixel(img, 22, 21));
        assertEquals(0, pixel(img, 21, 22));
        assertEquals(0, pixel(img, 23, 23));
        int lit = 0;
        for (int r = 0; r < 36; r++) for (int c = 0; c < 36; c++) if (pixel(img, r, c) != 0) lit++;
        assertEquals(81, lit);
    }

    @Test
    void decodeInvertsRender() {
        SplittableRandom rnd = new SplittableRandom(7);
        byte[] img = new byte[2 * Canvas.IMAGE_BYTES];
        for (int t = 0; t < 200; t++) {
            ObjectSet set = ObjectSet.values()[t % 3];
            Glyph[] cells = new Glyph[9];
            for (int c = 0; c < 9; c++) if (rnd.nextBoolean()) cells[c] = set.glyph(set.random(rnd));
            Canvas.render(cells, img, Canvas.IMAGE_BYTES);
            Glyph[] back = Canvas.decode(img, Canvas.IMAGE_BYTES);
            assertArrayEquals(cells, back);
        }
        assertNull(Canvas.decode(new byte[Canvas.IMAGE_BYTES], 0)[0]);
    }
}
