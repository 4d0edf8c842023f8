package dev.dat4j.apps.data;

/**
 * The element types dat4j reads and writes in {@code .npy} files, by their numpy {@code descr}.
 * Multi-byte types are little-endian only ({@code <}); single-byte types use {@code |}.
 */
public enum NpyDtype {
    BOOL("|b1", 1),
    UINT8("|u1", 1),
    INT32("<i4", 4),
    INT64("<i8", 8),
    FLOAT32("<f4", 4),
    FLOAT64("<f8", 8);

    /** numpy's type string as written in headers, e.g. {@code <i8}. */
    public final String descr;
    /** Bytes per element. */
    public final int size;

    NpyDtype(String descr, int size) {
        this.descr = descr;
        this.size = size;
    }

    /**
     * The dtype of a header's {@code descr}. Single-byte types accept any byte-order character
     * (it means nothing for them); big-endian multi-byte types are rejected by name.
     */
    public static NpyDtype parse(String descr, String where) {
        if (descr.length() == 3) {
            char order = descr.charAt(0);
            String kind = descr.substring(1);
            for (NpyDtype t : values()) {
                if (!t.descr.substring(1).equals(kind)) continue;
                boolean ok = t.size == 1 ? "|<>=".indexOf(order) >= 0 : order == '<' || order == '=';
                if (ok) return t;
                throw new NpyFormatException(where + ": dtype '" + descr
                        + "' is big-endian; only little-endian ('<') data is supported");
            }
        }
        throw new NpyFormatException(where + ": unsupported dtype '" + descr
                + "'; expected one of |u1 |b1 <i4 <i8 <f4 <f8");
    }
}
