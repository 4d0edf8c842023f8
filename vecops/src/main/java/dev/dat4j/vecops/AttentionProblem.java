package dev.dat4j.vecops;

/**
 * The operands of a batch of scaled-dot-product attentions, for {@link FusedAttention}. Entry e
 * (of {@code entries}) reads
 *
 * <pre>
 * Q_e: (lq, d)   element (i, c) at q[qOff[e] + i·ldq + c]
 * K_e: (lk, d)   element (j, c) at k[kOff[e] + j·ldk + c]
 * V_e: (lk, dv)  element (j, c) at v[vOff[e] + j·ldv + c]
 * </pre>
 *
 * Offsets are per entry, so any batch layout works: heads that are a permuted view, or one K and V
 * broadcast to every entry (repeated offsets). With {@code causal}, key j is visible to query i iff
 * j ≤ i + lk − lq (the last query sees every key); otherwise every key is visible.
 */
public record AttentionProblem(int entries, int lq, int lk, int d, int dv, float scale, boolean causal,
                               Buffer q, long[] qOff, int ldq, Buffer k, long[] kOff, int ldk,
                               Buffer v, long[] vOff, int ldv) {

    public AttentionProblem {
        if (entries < 0 || lq < 0 || lk < 0 || d < 1 || dv < 1) {
            throw new IllegalArgumentException("attention: entries " + entries + ", lq " + lq + ", lk " + lk + ", d " + d
                    + ", dv " + dv + ": expected entries, lq, lk ≥ 0 and d, dv ≥ 1");
        }
        if (causal && lq > lk) {
            throw new IllegalArgumentException("attention: causal attention needs lq <= lk, got lq " + lq + " and lk " + lk);
        }
        check("q", q, qOff, ldq, lq, d, entries);
        check("k", k, kOff, ldk, lk, d, entries);
        check("v", v, vOff, ldv, lk, dv, entries);
    }

    /** Keys visible to query row i: a prefix [0, visible(i)). */
    public int visible(int i) {
        return causal ? Math.max(0, Math.min(lk, i + lk - lq + 1)) : lk;
    }

    /** Every matrix of an operand must lie inside its buffer. */
    private static void check(String name, Buffer b, long[] off, int ld, int rows, int cols, int entries) {
        if (off.length != entries) {
            throw new IllegalArgumentException("attention: " + name + " has " + off.length + " offsets for " + entries + " entries");
        }
        if (ld < cols) {
            throw new IllegalArgumentException("attention: " + name + " rows hold " + cols + " values but its row stride is " + ld);
        }
        if (rows == 0) return;
        long span = (long) (rows - 1) * ld + cols;
        for (int e = 0; e < entries; e++) {
            if (off[e] < 0 || off[e] + span > b.length()) {
                throw new IllegalArgumentException("attention: " + name + " of entry " + e + " spans [" + off[e] + ", "
                        + (off[e] + span) + ") but its buffer holds " + b.length() + " floats");
            }
        }
    }
}
