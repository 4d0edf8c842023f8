package dev.dat4j.apps.relgames;

/**
 * The relational pattern of three objects in order: which of them are equal. These are the five set
 * partitions of three items, named by the first-occurrence labelling (ABA: first and last equal).
 */
public enum Pattern {
    AAA, AAB, ABA, ABB, ABC;

    /** The pattern of {@code a, b, c} (compared with {@link Glyph#equals}). */
    public static Pattern of(Object a, Object b, Object c) {
        boolean ab = a.equals(b), ac = a.equals(c), bc = b.equals(c);
        if (ab && bc) return AAA;
        if (ab) return AAB;
        if (ac) return ABA;
        if (bc) return ABB;
        return ABC;
    }

    /** Slot {@code i} (0..2) names which distinct object goes there: 0 = A, 1 = B, 2 = C. */
    public int slot(int i) {
        return name().charAt(i) - 'A';
    }

    /** Number of distinct objects (1..3). */
    public int distinct() {
        return Math.max(slot(0), Math.max(slot(1), slot(2))) + 1;
    }
}
