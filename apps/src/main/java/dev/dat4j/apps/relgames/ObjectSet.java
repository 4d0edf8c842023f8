package dev.dat4j.apps.relgames;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The three object families of Relational Games (datasets.md §B1). Objects are numbered
 * {@code 0..size()-1}: for polyominoes {@code id = mask * 25 + colour}, for stripes
 * {@code id = outer * 25 + inner}.
 *
 * <ul>
 *   <li>{@code pentos} (training set): the 49 connected 5-cell subsets of the 3×3 grid, one colour
 *       from {0,128,255}³ minus black and white (25 colours).</li>
 *   <li>{@code hexos} (out-of-distribution): the 48 connected 6-cell subsets, one colour from
 *       {64,144,192}³ minus (64,64,64) and (192,192,192).</li>
 *   <li>{@code stripes} (out-of-distribution): a full square whose outer macro-columns 0 and 2 take
 *       one colour and middle column 1 another, both from the hexos palette (625 objects).</li>
 * </ul>
 */
public enum ObjectSet {
    PENTOS(polyominoes(5), palette(0, 128, 255), false),
    HEXOS(polyominoes(6), palette(64, 144, 192), false),
    STRIPES(new int[0], palette(64, 144, 192), true);

    private final int[] masks;
    private final int[] palette;
    private final boolean stripes;
    private final Glyph[] glyphs;
    private final Map<Glyph, Integer> ids = new HashMap<>();

    ObjectSet(int[] masks, int[] palette, boolean stripes) {
        this.masks = masks;
        this.palette = palette;
        this.stripes = stripes;
        int n = stripes ? palette.length * palette.length : masks.length * palette.length;
        this.glyphs = new Glyph[n];
        for (int id = 0; id < n; id++) {
            glyphs[id] = build(id);
            ids.put(glyphs[id], id);
        }
    }

    /** The name used in file names and on the command line: pentos, hexos or stripes. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses pentos, hexos or stripes. */
    public static ObjectSet parse(String s) {
        for (ObjectSet o : values()) if (o.label().equals(s.toLowerCase(Locale.ROOT))) return o;
        throw new IllegalArgumentException("unknown object set '" + s + "'; expected pentos, hexos or stripes");
    }

    /** The object set named in a file name such as {@code mini_between_hexos.npz}, if any. */
    public static Optional<ObjectSet> fromFileName(String fileName) {
        String f = fileName.toLowerCase(Locale.ROOT);
        for (ObjectSet o : values()) if (f.contains(o.label())) return Optional.of(o);
        return Optional.empty();
    }

    public int size() {
        return glyphs.length;
    }

    /** Distinct shapes (masks); 1 for stripes. */
    public int shapes() {
        return stripes ? 1 : masks.length;
    }

    /** The palette as 0xRRGGBB colours. */
    public int[] palette() {
        return palette.clone();
    }

    public Glyph glyph(int id) {
        return glyphs[id];
    }

    /** The id of a glyph in this set, or -1 when it does not belong to it. */
    public int id(Glyph g) {
        return ids.getOrDefault(g, -1);
    }

    public boolean contains(Glyph g) {
        return ids.containsKey(g);
    }

    public int random(SplittableRandom rnd) {
        return rnd.nextInt(glyphs.length);
    }

    /**
     * Ways to draw an object different from a given one. Polyominoes have three, drawn equally often
     * in the real data: same colour and another mask, same mask and another colour, or any other
     * object. Stripes have one (any other object): the real stripe files show no preference for a
     * shared outer or inner colour.
     */
    public int differenceModes() {
        return stripes ? 1 : 3;
    }

    /** An object different from {@code id}, using a mode chosen uniformly from {@link #differenceModes()}. */
    public int different(int id, SplittableRandom rnd) {
        return different(id, rnd.nextInt(differenceModes()), rnd);
    }

    /** An object different from {@code id} drawn with the given difference mode. */
    public int different(int id, int mode, SplittableRandom rnd) {
        int p = palette.length;
        if (!stripes && mode == 0) { // same colour, another mask
            int m = otherThan(id / p, masks.length, rnd);
            return m * p + id % p;
        }
        if (!stripes && mode == 1) { // same mask, another colour
            return id / p * p + otherThan(id % p, p, rnd);
        }
        return otherThan(id, glyphs.length, rnd);
    }

    /** Uniform over {@code 0..n-1} without {@code x}. */
    private static int otherThan(int x, int n, SplittableRandom rnd) {
        int v = rnd.nextInt(n - 1);
        return v >= x ? v + 1 : v;
    }

    private Glyph build(int id) {
        int p = palette.length;
        int[] macro = new int[9];
        if (stripes) {
            int outer = palette[id / p], inner = palette[id % p];
            for (int r = 0; r < 3; r++) {
                macro[r * 3] = outer;
                macro[r * 3 + 1] = inner;
                macro[r * 3 + 2] = outer;
            }
        } else {
            int mask = masks[id / p], colour = palette[id % p];
            for (int i = 0; i < 9; i++) if ((mask >> i & 1) != 0) macro[i] = colour;
        }
        return Glyph.of(macro);
    }

    /** All 4-connected subsets of {@code k} cells of the 3×3 grid, as 9-bit masks in increasing order. */
    static int[] polyominoes(int k) {
        List<Integer> out = new ArrayList<>();
        for (int m = 0; m < 1 << 9; m++) {
            if (Integer.bitCount(m) == k && connected(m)) out.add(m);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean connected(int mask) {
        int start = Integer.numberOfTrailingZeros(mask);
        int seen = 1 << start;
        int[] stack = {start, 0, 0, 0, 0, 0, 0, 0, 0};
        int top = 1;
        while (top > 0) {
            int cell = stack[--top];
            int r = cell / 3, c = cell % 3;
            int[][] nbrs = {{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}};
            for (int[] nb : nbrs) {
                if (nb[0] < 0 || nb[0] > 2 || nb[1] < 0 || nb[1] > 2) continue;
                int bit = 1 << (nb[0] * 3 + nb[1]);
                if ((mask & bit) != 0 && (seen & bit) == 0) {
                    seen |= bit;
                    stack[top++] = nb[0] * 3 + nb[1];
                }
            }
        }
        return seen == mask;
    }

    /** {levels}³ minus the darkest and the brightest grey, as 0xRRGGBB, red slowest. */
    private static int[] palette(int lo, int mid, int hi) {
        int[] levels = {lo, mid, hi};
        List<Integer> out = new ArrayList<>();
        for (int r : levels) {
            for (int g : levels) {
                for (int b : levels) {
                    boolean extreme = (r == g && g == b) && (r == lo || r == hi);
                    if (!extreme) out.add(r << 16 | g << 8 | b);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
