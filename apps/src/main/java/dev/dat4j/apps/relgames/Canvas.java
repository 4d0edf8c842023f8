package dev.dat4j.apps.relgames;

import java.util.Arrays;

/**
 * The image geometry of Relational Games (verified on all 20,000 real mini images): a 36×36 RGB
 * image, HWC uint8, is a 3×3 grid of 12×12 cells. The object in cell (r, c) is a 3×3 grid of
 * macro-pixels of 3×3 pixels each, drawn at rows {@code 12r+1 .. 12r+9} and columns
 * {@code 12c+1 .. 12c+9} (1 px padding top/left, 2 px bottom/right); everything else is black.
 *
 * <p>A scene is a {@code Glyph[9]}, cells row-major, {@code null} for an empty cell.
 */
public final class Canvas {
    public static final int SIDE = 36;
    public static final int CHANNELS = 3;
    public static final int CELL = 12;
    public static final int MACRO = 3;
    /** Bytes of one image: 36·36·3. */
    public static final int IMAGE_BYTES = SIDE * SIDE * CHANNELS;

    private Canvas() {}

    /** Renders a scene into {@code dst[off .. off+IMAGE_BYTES)} (HWC), background included. */
    public static void render(Glyph[] cells, byte[] dst, int off) {
        if (cells.length != 9) throw new IllegalArgumentException("a scene has 9 cells, got " + cells.length);
        Arrays.fill(dst, off, off + IMAGE_BYTES, (byte) 0);
        for (int cell = 0; cell < 9; cell++) {
            Glyph g = cells[cell];
            if (g == null) continue;
            int top = CELL * (cell / 3) + 1, left = CELL * (cell % 3) + 1;
            for (int mr = 0; mr < 3; mr++) {
                for (int mc = 0; mc < 3; mc++) {
                    int rgb = g.colour(mr, mc);
                    if (rgb == 0) continue;
                    for (int y = 0; y < MACRO; y++) {
                        int row = top + mr * MACRO + y;
                        for (int x = 0; x < MACRO; x++) {
                            int p = off + (row * SIDE + left + mc * MACRO + x) * CHANNELS;
                            dst[p] = (byte) (rgb >>> 16);
                            dst[p + 1] = (byte) (rgb >>> 8);
                            dst[p + 2] = (byte) rgb;
                        }
                    }
                }
            }
        }
    }

    /**
     * Reads the scene of an image by sampling the top-left pixel of every macro-pixel (the pixel
     * indices 1, 4, 7, 13, ... of the original loaders). Decoding is only exact for images that obey
     * the geometry; re-rendering the result and comparing with the input is the check.
     */
    public static Glyph[] decode(byte[] img, int off) {
        Glyph[] cells = new Glyph[9];
        int[] macro = new int[9];
        for (int cell = 0; cell < 9; cell++) {
            int top = CELL * (cell / 3) + 1, left = CELL * (cell % 3) + 1;
            boolean any = false;
            for (int i = 0; i < 9; i++) {
                int p = off + ((top + i / 3 * MACRO) * SIDE + left + i % 3 * MACRO) * CHANNELS;
                macro[i] = (img[p] & 0xff) << 16 | (img[p + 1] & 0xff) << 8 | img[p + 2] & 0xff;
                any |= macro[i] != 0;
            }
            cells[cell] = any ? Glyph.of(macro) : null;
        }
        return cells;
    }
}
