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
 * backward:  dP_ij = dO_i·V_j;  D_i = Σ_j P_ij·dP_ij / Σ_j P_ij;  dS_ij = scale·P_ij·(dP_ij − D_i)
 *            dQ_i = Σ_j dS_ij·K_j;  dK_j = Σ_i dS_ij·Q_i;  dV_j = Σ_i P_ij·dO_i
 *            dq: (entries, lq, d), dk: (entries, lk, d), dv: (entries, lk, dv), per entry (sum them
 *            over entries that share a K or V)
 * </pre>
 *
 * D_i is taken from the recomputed P (as the softmax backward does), not as dO_i·O_i like
 * FlashAttention, and divided by Σ_j P_ij (1 in exact arithmetic; exp(s − lse) rounds it off by
 * up to 1e-6): then Σ_j dS_ij is 0 up to the rounding of one sum, and a gradient that is 0 in
 * exact arithmetic (of a bias added to every key) stays at the reference's level (≈ 1e-16·scale).
 * o, lse, dO and the gradients are dense and overwritten. A query that sees no key gets O_i = 0,
 * lse_i = −∞ and zero gradients.
 */
public interface FusedAttention {
    void attention(AttentionProblem a, Buffer o, Buffer lse);

    void attentionBackward(AttentionProblem a, Buffer lse, Buffer dO, Buffer dq, Buffer dk, Buffer dv);
}
