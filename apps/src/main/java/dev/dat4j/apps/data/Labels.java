package dev.dat4j.apps.data;

/** Reads class-label arrays in the layouts datasets use: {@code (N,)}, {@code (N,1)} or one-hot {@code (N,C)}. */
public final class Labels {
    private Labels() {}

    /**
     * The labels as ints. A {@code (N,C)} array with C ≥ 2 is taken as one-hot: every row must hold
     * exactly one 1 and zeros elsewhere, and the label is the index of the 1.
     */
    public static int[] read(NpyInput in) {
        NpyHeader h = in.header();
        long[] s = h.shape();
        if (s.length == 1 || (s.length == 2 && s[1] == 1)) return in.readAllInts();
        if (s.length != 2 || s[1] < 2) {
            throw new NpyFormatException(in.where() + ": labels have shape " + h.shapeString()
                    + "; expected (N,), (N, 1) or one-hot (N, C)");
        }
        int n = Math.toIntExact(s[0]);
        int c = Math.toIntExact(s[1]);
        int[] row = new int[c];
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            in.readInts(row, 0, c);
            int hot = -1;
            for (int j = 0; j < c; j++) {
                if (row[j] == 1 && hot < 0) {
                    hot = j;
                } else if (row[j] != 0) {
                    throw new NpyFormatException(in.where() + ": row " + i + " of one-hot labels " + h.shapeString()
                            + " is not one-hot (exactly one 1, zeros elsewhere)");
                }
            }
            if (hot < 0) {
                throw new NpyFormatException(in.where() + ": row " + i + " of one-hot labels " + h.shapeString() + " has no 1");
            }
            out[i] = hot;
        }
        return out;
    }
}
