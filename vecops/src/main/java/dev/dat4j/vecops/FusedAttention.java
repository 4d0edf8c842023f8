package dev.dat4j.vecops;

/**
 * Scaled-dot-product attention as one kernel pair, for backends where that beats GEMM, softmax,
 * GEMM (the CPU ones): the attention matrix P is never stored. The forward pass keeps one number
 * per query row, log Σ exp, and the backward pass recomputes P from it row by row (the
 * recomputation scheme of FlashAttention). For each entry e of {@link AttentionProblem} and query i:
 *
 * <pre>
 * s_j = scale·(Q_i·K_j) over visible keys j;  lse_i = log Σ_j exp(s_j);  P_ij = exp(s_j − lse_i)
 * forward:   O_i = Σ_j P_ij·V_j                                  o: (entries, lq, dv), lse: (entries, lq)
 * backward:  dP_ij = dO_i·V_j;  D_i = dO_i·O_i;  dS_ij = scale·P_ij·(dP_ij − D_i)
 *            dQ_i = Σ_j dS_ij·K_j;  dK_j = Σ_i dS_ij·Q_i;  dV_j = Σ_i P_ij·dO_i
 *            dq: (entries, lq, d), dk: (entries, lk, d), dv: (entries, lk, dv), per entry (sum them
 *            over entries that share a K or V)
 * </pre>
 *
 * D_i = dO_i·O_i (FlashAttention-2's form; equal to Σ_j P_ij·dP_ij in exact arithmetic) needs no
 * pass over a row of P, so P and dS come out of one pass over the scores. It leaves Σ_j dS_ij at
 * the rounding of O and of P's row sum (~1e-7 relative) instead of 0: the gradient of a bias
 * added to every key, 0 in exact arithmetic, comes out at that level.
 * o, lse, dO and the gradients are dense and overwritten. A query that sees no key gets O_i = 0,
 * lse_i = −∞ and zero gradients.
 */
public interface FusedAttention {
    void attention(AttentionProblem a, Buffer o, Buffer lse);

    void attentionBackward(AttentionProblem a, Buffer o, Buffer lse, Buffer dO, Buffer dq, Buffer dk, Buffer dv);
}
