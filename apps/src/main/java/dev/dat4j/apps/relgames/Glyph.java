package dev.dat4j.apps.relgames;

import java.util.Arrays;

/**
 * What one object looks like: the colours of its 3×3 "macro-pixels" (each drawn as 3×3 image
 * pixels), row-major, as {@code 0xRRGGBB}; 0 means background. Two objects are "the same" in every
 * Relational Games task exactly when their glyphs are equal (same mask, colours and orientation).
 */
public final class Glyph {
    private final int[] macro;
    private final int hash;

    private Glyph(int[] macro) {
        this.macro = macro;
        this.hash = Arrays.hashCode(macro);
    }

    /** A glyph from 9 macro-pixel colours, row-major (0 = background). */
    public static Glyph of(int... macro) {
        if (macro.length != 9) throw new IllegalArgumentException("a glyph has 9 macro-pixels, got " + macro.length);
        for (int c : macro) {
            if ((c & ~0xffffff) != 0) throw new IllegalArgumentException("not an 0xRRGGBB colour: " + Integer.toHexString(c));
        }
        return new Glyph(macro.clone());
    }

    /** Colour of macro-pixel (r, c), 0 for background. */
    public int colour(int r, int c) {
        return macro[r * 3 + c];
    }

    /** Bit {@code 3r+c} is set when macro-pixel (r, c) is drawn. */
    public int mask() {
        int m = 0;
        for (int i = 0; i < 9; i++) if (macro[i] != 0) m |= 1 << i;
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof Glyph g && g.hash == hash && Arrays.equals(g.macro, macro));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Rows of macro-pixels, e.g. {@code [40c090 000000 ...]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 9; i++) {
            if (i > 0) sb.append(i % 3 == 0 ? " / " : " ");
            sb.append(String.format("%06x", macro[i]));
        }
        return sb.append(']').toString();
    }
}
