package dev.dat4j.dat.layers;

import dev.dat4j.autograd.nn.Linear;
import dev.dat4j.autograd.Tensor;

/**
 * The relational half of a dual-attention layer ({@code ra_type}): {@link RelationalAttention} or
 * one of the reference's ablation variants, {@link RelationalCrossAttention}.
 */
public interface RelationalHeads {
    /** x (B, L, d) and symbols (B, L, d), or (L, L, d) when position-relative → (B, L, n_heads·head_dim). */
    Tensor forward(Tensor x, Tensor symbols, Rope rope, boolean causal);

    /** The attention query and key projections, which {@code share_attn_params} gives to the SA heads. */
    Linear[] queryKey();
}
