"""PyTorch reference of the DAT model family, written from docs/dat-spec (shared/reference/dat-spec.md).

It is the oracle for the Java golden tests: the modules, flags and parameter names follow the public
reference implementation (github.com/Awni00/abstract_transformer), so that a state dict produced here
(or there) loads into dat4j by name. Models are built from the same JSON configs that dat4j parses
(`build_model(config)`), with `"code_era": 1` selecting the May-2024 defaults (spec §0.1).

Era differences implemented here (spec §0.1):
  * rel_proj_dim default: ERA-2 head_dim (with the assertion rp*n_relations == hd*n_heads_ra),
    ERA-1 d_model // n_relations;
  * W_r: ERA-2 parameter `wr` (n_ra, hd, d_r); ERA-1 Linear `wr.weight` (n_ra*hd, d_r) (same data);
  * FFN dff=None: ERA-2 int(2/3*4*d) for SwiGLU; ERA-1 4*d;
  * LM: ERA-2 final norm + tied output (no bias) + GPT-2 init; ERA-1 no final norm, separate output
    Linear with bias, default init, one retriever `layers.symbol_retriever`;
  * vision: ERA-2 optional final norm (`final_out.0`, `final_out.1`); ERA-1 plain `final_out` Linear.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

HEAD_ERA = 2


# ----------------------------------------------------------------------------------------- helpers

def activation_fn(name):
    """Elementwise activations of the reference (`get_activation_function`); GELU is tanh-approximate."""
    table = {
        'identity': lambda x: x,
        'relu': F.relu,
        'sigmoid': torch.sigmoid,
        'tanh': torch.tanh,
        'gelu': lambda x: F.gelu(x, approximate='tanh'),
        'silu': F.silu,
        'softmax': lambda x: F.softmax(x, dim=-1),
    }
    if name not in table:
        raise ValueError(f'unknown activation {name!r}; expected one of {sorted(table)}')
    return table[name]


def rope_tables(dim, length, theta=10000.0):
    """cos/sin tables (length, dim/2) in fp32: angle[p,k] = p * theta^(-2k/dim)."""
    k = torch.arange(0, dim, 2)[: dim // 2].float()
    freqs = 1.0 / (theta ** (k / dim))
    angles = torch.outer(torch.arange(length).float(), freqs)
    return torch.cos(angles), torch.sin(angles)


def apply_rope(u, cos, sin):
    """Interleaved (LLaMA) rotary embedding. u: (B, L, H, D); cos, sin: (>=L, D/2)."""
    L = u.shape[1]
    c = cos[:L, None, :].to(u.dtype)
    s = sin[:L, None, :].to(u.dtype)
    even, odd = u[..., 0::2], u[..., 1::2]
    rotated_even = even * c - odd * s
    rotated_odd = even * s + odd * c
    return torch.stack([rotated_even, rotated_odd], dim=-1).flatten(-2)


def causal_fill(logits):
    """Masks logits[..., i, j] with -inf where j > i (queries and keys of equal length)."""
    Lq, Lk = logits.shape[-2], logits.shape[-1]
    mask = torch.ones(Lq, Lk, dtype=torch.bool, device=logits.device).triu(1)
    return logits.masked_fill(mask, float('-inf'))


def make_norm(d_model, norm_type):
    if norm_type == 'layernorm':
        return nn.LayerNorm(d_model)
    if norm_type == 'rmsnorm':
        return RMSNorm(d_model)
    if norm_type == 'none':
        return nn.Identity()
    raise ValueError(f'norm_type {norm_type!r} not valid')


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


# ---------------------------------------------------------------------------------------- attention

class Attention(nn.Module):
    """Standard ("sensory") attention, spec §2."""

    def __init__(self, d_model, n_heads, dropout=0.0, key_dim=None, n_kv_heads=None, add_bias_kv=False,
                 add_bias_out=False, symmetric_attn=False, total_n_heads=None):
        super().__init__()
        total = total_n_heads if total_n_heads is not None else n_heads
        assert d_model % total == 0, 'd_model must be divisible by total_n_heads'
        self.n_heads = n_heads
        self.n_kv = n_kv_heads if n_kv_heads is not None else n_heads
        assert n_heads % self.n_kv == 0, 'n_heads must be a multiple of n_kv_heads'
        self.hd = d_model // total
        self.kd = key_dim if key_dim is not None else self.hd
        self.wq = nn.Linear(d_model, n_heads * self.kd, bias=False)
        if symmetric_attn:
            self.wk = self.wq  # the same tensor (state dict keeps `wq.weight`)
        else:
            self.wk = nn.Linear(d_model, self.n_kv * self.kd, bias=add_bias_kv)
        self.wv = nn.Linear(d_model, self.n_kv * self.hd, bias=add_bias_kv)
        self.wo = nn.Linear(n_heads * self.hd, n_heads * self.hd, bias=add_bias_out)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, query, key, value, rope=None, causal=False):
        B, Lq, _ = query.shape
        Lk = key.shape[1]
        q = self.wq(query).view(B, Lq, self.n_heads, self.kd)
        k = self.wk(key).view(B, Lk, self.n_kv, self.kd)
        v = self.wv(value).view(B, Lk, self.n_kv, self.hd)
        if rope is not None:
            q, k = apply_rope(q, *rope), apply_rope(k, *rope)
        rep = self.n_heads // self.n_kv  # query head h uses kv head h // rep
        k = k.repeat_interleave(rep, dim=2)
        v = v.repeat_interleave(rep, dim=2)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # (B, H, L, .)
        logits = q @ k.transpose(-1, -2) / math.sqrt(self.hd)
        if causal:
            logits = causal_fill(logits)
        probs = self.attn_dropout(F.softmax(logits, dim=-1))
        out = (probs @ v).transpose(1, 2).reshape(B, Lq, self.n_heads * self.hd)
        return self.resid_dropout(self.wo(out)), probs


class RelationalAttention(nn.Module):
    """Relational attention, spec §3: relations shared across heads, "attend then project"."""

    def __init__(self, d_model, n_heads, n_relations=None, dropout=0.0, key_dim=None, n_kv_heads=None,
                 rel_activation='identity', rel_proj_dim=None, add_bias_kv=False, add_bias_out=False,
                 total_n_heads=None, symmetric_rels=False, symmetric_attn=False,
                 use_relative_positional_symbols=False, code_era=HEAD_ERA):
        super().__init__()
        total = total_n_heads if total_n_heads is not None else n_heads
        self.n_heads = n_heads
        self.n_kv = n_kv_heads if n_kv_heads is not None else n_heads
        self.n_rel = n_relations if n_relations is not None else n_heads
        self.hd = d_model // total
        self.kd = key_dim if key_dim is not None else self.hd
        if rel_proj_dim is not None:
            self.rp = rel_proj_dim
        else:
            self.rp = self.hd if code_era >= 2 else d_model // self.n_rel
        if code_era >= 2:
            assert self.rp * self.n_rel == self.hd * n_heads, 'rel_proj_dim * n_relations must equal head_dim * n_heads'
        self.code_era = code_era
        self.act = activation_fn(rel_activation)
        self.relative = use_relative_positional_symbols
        self.wq_attn = nn.Linear(d_model, n_heads * self.kd, bias=False)
        if symmetric_attn:
            self.wk_attn = self.wq_attn
        else:
            self.wk_attn = nn.Linear(d_model, self.n_kv * self.kd, bias=add_bias_kv)
        self.wq_rel = nn.Linear(d_model, self.n_rel * self.rp, bias=False)
        self.wk_rel = self.wq_rel if symmetric_rels else nn.Linear(d_model, self.n_rel * self.rp, bias=False)
        if code_era >= 2:
            self.wr = nn.Parameter(torch.empty(n_heads, self.hd, self.n_rel))
            nn.init.kaiming_uniform_(self.wr, a=math.sqrt(5))
        else:
            self.wr = nn.Linear(self.n_rel, n_heads * self.hd, bias=False)
        self.wv = nn.Linear(d_model, self.n_kv * self.hd, bias=add_bias_kv)
        self.wo = nn.Linear(n_heads * self.hd, n_heads * self.hd, bias=add_bias_out)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)

    def wr_tensor(self):
        """W_r as (n_heads, head_dim, n_relations) in either era's storage."""
        if self.code_era >= 2:
            return self.wr
        return self.wr.weight.view(self.n_heads, self.hd, self.n_rel)

    def forward(self, x, symbols, rope=None, causal=False):
        B, L, _ = x.shape
        rep = self.n_heads // self.n_kv
        # attention weights, one set per RA head
        qa = self.wq_attn(x).view(B, L, self.n_heads, self.kd)
        ka = self.wk_attn(x).view(B, L, self.n_kv, self.kd)
        if rope is not None:
            qa, ka = apply_rope(qa, *rope), apply_rope(ka, *rope)
        ka = ka.repeat_interleave(rep, dim=2)
        logits = qa.transpose(1, 2) @ ka.transpose(1, 2).transpose(-1, -2) / math.sqrt(self.hd)
        if causal:
            logits = causal_fill(logits)
        alpha = self.attn_dropout(F.softmax(logits, dim=-1))  # (B, H, L, L)
        # relations, shared by all heads, computed for every pair (no mask)
        qr = self.wq_rel(x).view(B, L, self.n_rel, self.rp).transpose(1, 2)
        kr = self.wk_rel(x).view(B, L, self.n_rel, self.rp).transpose(1, 2)
        relations = self.act(qr @ kr.transpose(-1, -2) / math.sqrt(self.rp))  # (B, R, L, L)
        # symbol values
        sv = self.wv(symbols)
        if self.relative:
            assert symbols.shape[0] == symbols.shape[1] == L, 'relative symbols must be (L, L, d)'
            sv = sv.view(L, L, self.n_kv, self.hd).repeat_interleave(rep, dim=2)
            attended_symbols = torch.einsum('bhij,ijhd->bihd', alpha, sv)
        else:
            sv = sv.view(B, L, self.n_kv, self.hd).repeat_interleave(rep, dim=2)
            attended_symbols = torch.einsum('bhij,bjhd->bihd', alpha, sv)
        # attend to relations (B, L, H, R), then project with W_r^h
        attended_relations = torch.einsum('bhij,brij->bihr', alpha, relations)
        attended_relations = torch.einsum('bihr,hdr->bihd', attended_relations, self.wr_tensor())
        out = (attended_symbols + attended_relations).reshape(B, L, self.n_heads * self.hd)
        return self.resid_dropout(self.wo(out)), alpha, relations.permute(0, 2, 3, 1)


class RelationalCrossAttention(nn.Module):
    """RCA, the ablation variant ra_type='rca' (spec §5): out_i = Σ_j act(q_i·k_j/√hd)_ij s_j W_v.

    Softmax: masked with −∞ before it; other activations: future pairs zeroed after it."""

    def __init__(self, d_model, n_heads, dropout=0.0, n_kv_heads=None, activation='softmax', add_bias_kv=False,
                 add_bias_out=False, total_n_heads=None, use_relative_positional_symbols=False):
        super().__init__()
        cross_attention_heads(self, d_model, n_heads, n_kv_heads, total_n_heads, activation,
                              use_relative_positional_symbols, dropout, add_bias_kv, add_bias_out)
        self.activation = activation
        self.wq = nn.Linear(d_model, n_heads * self.hd, bias=False)
        self.wk = nn.Linear(d_model, self.n_kv * self.hd, bias=add_bias_kv)

    def forward(self, x, symbols, rope=None, causal=False):
        B, L, _ = x.shape
        scores = head_scores(self, self.wq, self.wk, x, rope)
        if causal and self.activation == 'softmax':
            scores = causal_fill(scores)
        scores = self.act(scores)
        if causal and self.activation != 'softmax':
            scores = scores * torch.tril(torch.ones(L, L, dtype=scores.dtype))
        scores = self.attn_dropout(scores)
        return self.resid_dropout(self.wo(attend_symbols(scores, self.wv(symbols), self.n_kv, self.hd, self.relative,
                                                         B, L))), scores


class DisentangledRelationalCrossAttention(nn.Module):
    """DisRCA, ra_type='disrca' (spec §5): out_i = Σ_j α_ij·act(q^rel_i·k^rel_j/√hd) s_j W_v, α the softmax
    attention (RoPE on its q/k only). Like the reference, the relation keys are not repeated over query
    heads: n_kv_heads must be 1 or n_heads."""

    def __init__(self, d_model, n_heads, dropout=0.0, n_kv_heads=None, rel_activation='identity', add_bias_kv=False,
                 add_bias_out=False, total_n_heads=None, use_relative_positional_symbols=False):
        super().__init__()
        cross_attention_heads(self, d_model, n_heads, n_kv_heads, total_n_heads, rel_activation,
                              use_relative_positional_symbols, dropout, add_bias_kv, add_bias_out)
        assert self.n_kv in (1, n_heads), 'disrca broadcasts its relation keys: n_kv_heads must be 1 or n_heads'
        self.wq_attn = nn.Linear(d_model, n_heads * self.hd, bias=False)
        self.wk_attn = nn.Linear(d_model, self.n_kv * self.hd, bias=add_bias_kv)
        self.wq_rel = nn.Linear(d_model, n_heads * self.hd, bias=False)
        self.wk_rel = nn.Linear(d_model, self.n_kv * self.hd, bias=add_bias_kv)

    def forward(self, x, symbols, rope=None, causal=False):
        B, L, _ = x.shape
        logits = head_scores(self, self.wq_attn, self.wk_attn, x, rope)
        if causal:
            logits = causal_fill(logits)
        alpha = F.softmax(logits, dim=-1)
        qr = self.wq_rel(x).view(B, L, self.n_heads, self.hd).transpose(1, 2)
        kr = self.wk_rel(x).view(B, L, self.n_kv, self.hd).transpose(1, 2)  # broadcast over heads when n_kv == 1
        rel = self.act(qr @ kr.transpose(-1, -2) / math.sqrt(self.hd))
        scores = self.attn_dropout(alpha * rel)
        return self.resid_dropout(self.wo(attend_symbols(scores, self.wv(symbols), self.n_kv, self.hd, self.relative,
                                                         B, L))), alpha, rel


def cross_attention_heads(m, d_model, n_heads, n_kv_heads, total_n_heads, activation, relative, dropout,
                          add_bias_kv, add_bias_out):
    """The head layout, activation, dropouts and symbol-value / output projections that RCA and DisRCA
    share (set on module m)."""
    total = total_n_heads if total_n_heads is not None else n_heads
    m.n_heads = n_heads
    m.n_kv = n_kv_heads if n_kv_heads is not None else n_heads
    assert n_heads % m.n_kv == 0, 'n_heads must be a multiple of n_kv_heads'
    m.hd = d_model // total
    m.act = activation_fn(activation)
    m.relative = relative
    m.attn_dropout = nn.Dropout(dropout)
    m.resid_dropout = nn.Dropout(dropout)
    m.wv = nn.Linear(d_model, m.n_kv * m.hd, bias=add_bias_kv)
    m.wo = nn.Linear(n_heads * m.hd, n_heads * m.hd, bias=add_bias_out)


def head_scores(m, wq, wk, x, rope):
    """q·kᵀ/√hd per head (B, H, L, L), RoPE on q and k, kv heads repeated over their query heads."""
    B, L, _ = x.shape
    q = wq(x).view(B, L, m.n_heads, m.hd)
    k = wk(x).view(B, L, m.n_kv, m.hd)
    if rope is not None:
        q, k = apply_rope(q, *rope), apply_rope(k, *rope)
    k = k.repeat_interleave(m.n_heads // m.n_kv, dim=2)
    return q.transpose(1, 2) @ k.transpose(1, 2).transpose(-1, -2) / math.sqrt(m.hd)


def attend_symbols(scores, sv, n_kv, hd, relative, B, L):
    """Σ_j scores[b,h,i,j]·sv_j per head → (B, L, H·hd); sv (B, L, G·hd) or relative (L, L, G·hd)."""
    H = scores.shape[1]
    rep = H // n_kv
    if relative:
        sv = sv.view(L, L, n_kv, hd).repeat_interleave(rep, dim=2)
        out = torch.einsum('bhij,ijhd->bihd', scores, sv)
    else:
        sv = sv.view(B, L, n_kv, hd).repeat_interleave(rep, dim=2)
        out = torch.einsum('bhij,bjhd->bihd', scores, sv)
    return out.reshape(B, L, H * hd)


# --------------------------------------------------------------------------------- symbol retrieval

class SymbolicAttention(nn.Module):
    """Spec §4.3: per-head channel slices, bias on q_proj, no output projection."""

    def __init__(self, d_model, n_heads, n_symbols, dropout=0.0, scale=None, trainable_symbols=True):
        super().__init__()
        assert d_model % n_heads == 0
        self.n_heads, self.n_symbols, self.dropout, self.scale = n_heads, n_symbols, dropout, scale
        self.q_proj = nn.Linear(d_model, d_model)
        self.template_features = nn.Parameter(torch.randn(n_symbols, d_model))
        self.symbol_library = nn.Parameter(torch.randn(n_symbols, d_model), requires_grad=trainable_symbols)

    def forward(self, x):
        B, L, d = x.shape
        dh = d // self.n_heads
        q = self.q_proj(x).view(B, L, self.n_heads, dh).transpose(1, 2)               # (B, h, L, dh)
        k = self.template_features.view(self.n_symbols, self.n_heads, dh).transpose(0, 1)  # (h, S, dh)
        v = self.symbol_library.view(self.n_symbols, self.n_heads, dh).transpose(0, 1)
        scale = self.scale if self.scale is not None else 1.0 / math.sqrt(dh)
        w = F.softmax(q @ k.transpose(-1, -2) * scale, dim=-1)
        w = F.dropout(w, self.dropout, training=True)  # reference quirk: applied even in eval mode
        return (w @ v).transpose(1, 2).reshape(B, L, d)


class PositionalSymbolRetriever(nn.Module):
    def __init__(self, symbol_dim, max_length, sinusoidal=False):
        super().__init__()
        self.symbol_library = nn.Embedding(max_length, symbol_dim)

    def forward(self, x):
        B, L, _ = x.shape
        return self.symbol_library.weight[:L].unsqueeze(0).expand(B, L, -1)


class RelativePositionalEncoding(nn.Module):
    def __init__(self, dim, max_rel_pos):
        super().__init__()
        self.max_rel_pos = max_rel_pos
        self.rel_pos_embeddings = nn.Parameter(torch.empty(2 * max_rel_pos + 1, dim))
        nn.init.xavier_uniform_(self.rel_pos_embeddings)

    def forward(self, length):
        pos = torch.arange(length)
        offset = (pos[None, :] - pos[:, None]).clamp(-self.max_rel_pos, self.max_rel_pos)  # j - i
        return self.rel_pos_embeddings[offset + self.max_rel_pos]


class PositionRelativeSymbolRetriever(nn.Module):
    def __init__(self, symbol_dim, max_rel_pos):
        super().__init__()
        self.rel_pos_enc = RelativePositionalEncoding(symbol_dim, max_rel_pos)

    def forward(self, x):
        return self.rel_pos_enc(x.shape[1])


def make_retriever(kind, kwargs):
    if kind == 'symbolic_attention':
        return SymbolicAttention(**kwargs)
    if kind == 'positional_symbols':
        return PositionalSymbolRetriever(**kwargs)
    if kind == 'position_relative':
        return PositionRelativeSymbolRetriever(**kwargs)
    raise ValueError(f'unknown symbol_retrieval {kind!r}')


# ----------------------------------------------------------------------------------- dual attention

class DualAttention(nn.Module):
    def __init__(self, d_model, n_heads_sa, n_heads_ra, dropout, sa_kwargs=None, ra_kwargs=None,
                 share_attn_params=False, ra_type='relational_attention', code_era=HEAD_ERA):
        super().__init__()
        ra_classes = dict(relational_attention=RelationalAttention, rca=RelationalCrossAttention,
                          disrca=DisentangledRelationalCrossAttention)
        if ra_type not in ra_classes:
            raise ValueError(f'invalid ra_type {ra_type!r}; expected one of {sorted(ra_classes)}')
        total = n_heads_sa + n_heads_ra
        assert total > 0
        if n_heads_sa > 0:
            self.self_attention = Attention(d_model, n_heads_sa, dropout=dropout, total_n_heads=total,
                                            **(sa_kwargs or {}))
        if n_heads_ra > 0:
            era_kw = dict(code_era=code_era) if ra_type == 'relational_attention' else {}
            self.relational_attention = ra_classes[ra_type](d_model, n_heads_ra, dropout=dropout, total_n_heads=total,
                                                            **era_kw, **(ra_kwargs or {}))
        if share_attn_params:
            assert n_heads_sa == n_heads_ra
            self.self_attention.wq = self.relational_attention.wq_attn
            self.self_attention.wk = self.relational_attention.wk_attn
        self.use_sa, self.use_ra = n_heads_sa > 0, n_heads_ra > 0

    def forward(self, x, symbols, rope=None, causal=False):
        parts = []
        if self.use_sa:
            parts.append(self.self_attention(x, x, x, rope=rope, causal=causal)[0])
        if self.use_ra:
            parts.append(self.relational_attention(x, symbols, rope=rope, causal=causal)[0])
        return torch.cat(parts, dim=-1)  # SA channels first, then RA


# ------------------------------------------------------------------------------------------ blocks

class FeedForwardBlock(nn.Module):
    def __init__(self, embed_dim, dff=None, activation='relu', use_bias=False, code_era=HEAD_ERA):
        super().__init__()
        if dff is None:
            dff = int(2 / 3 * 4 * embed_dim) if (activation == 'swiglu' and code_era >= 2) else 4 * embed_dim
        self.activation = activation
        self.linear1 = nn.Linear(embed_dim, dff, bias=use_bias)
        self.linear2 = nn.Linear(dff, embed_dim, bias=use_bias)
        if activation == 'swiglu':
            self.linear3 = nn.Linear(embed_dim, dff, bias=use_bias)
        else:
            self.act = activation_fn(activation)

    def forward(self, x):
        if self.activation == 'swiglu':
            return self.linear2(F.silu(self.linear1(x)) * self.linear3(x))
        return self.linear2(self.act(self.linear1(x)))


class DualAttnEncoderBlock(nn.Module):
    def __init__(self, d_model, n_heads_sa, n_heads_ra, dff, activation, dropout_rate, norm_first,
                 norm_type='layernorm', sa_kwargs=None, ra_kwargs=None, ra_type='relational_attention',
                 share_attn_params=False, bias=True, causal=False, code_era=HEAD_ERA):
        super().__init__()
        self.norm_first, self.causal = norm_first, causal
        self.dropout = nn.Dropout(dropout_rate)
        self.norm1 = make_norm(d_model, norm_type)
        self.dual_attn = DualAttention(d_model, n_heads_sa, n_heads_ra, dropout_rate, sa_kwargs, ra_kwargs,
                                       share_attn_params, ra_type, code_era)
        self.norm2 = make_norm(d_model, norm_type)
        self.ff_block = FeedForwardBlock(d_model, dff, activation, bias, code_era)

    def forward(self, x, symbols, rope=None):
        attn = lambda h: self.dropout(self.dual_attn(h, symbols, rope=rope, causal=self.causal))
        ff = lambda h: self.dropout(self.ff_block(h))
        if self.norm_first:
            x = x + attn(self.norm1(x))
            return x + ff(self.norm2(x))
        x = self.norm1(x + attn(x))
        x = self.dropout(x)  # extra dropout between sublayers (reference quirk)
        return self.norm2(x + ff(x))


class DualAttnDecoderBlock(nn.Module):
    def __init__(self, d_model, n_heads_sa, n_heads_ra, n_heads_cross, dff, activation, dropout_rate,
                 norm_first, norm_type='layernorm', sa_kwargs=None, ra_kwargs=None, cross_kwargs=None,
                 ra_type='relational_attention', share_attn_params=False, bias=True, causal=True,
                 code_era=HEAD_ERA):
        super().__init__()
        self.norm_first, self.causal = norm_first, causal
        self.dropout = nn.Dropout(dropout_rate)
        self.norm1 = make_norm(d_model, norm_type)
        self.dual_attn = DualAttention(d_model, n_heads_sa, n_heads_ra, dropout_rate, sa_kwargs, ra_kwargs,
                                       share_attn_params, ra_type, code_era)
        self.norm2 = make_norm(d_model, norm_type)
        self.cross_attn = Attention(d_model, n_heads_cross, dropout=dropout_rate, **(cross_kwargs or {}))
        self.norm3 = make_norm(d_model, norm_type)
        self.ff_block = FeedForwardBlock(d_model, dff, activation, bias, code_era)

    def forward(self, x, context, symbols, rope=None):
        attn = lambda h: self.dropout(self.dual_attn(h, symbols, rope=rope, causal=self.causal))
        cross = lambda h: self.dropout(self.cross_attn(h, context, context)[0])
        if self.norm_first:
            x = x + attn(self.norm1(x))
            x = x + cross(self.norm2(x))
            return x + self.ff_block(self.norm3(x))  # no dropout on the FFN output (reference quirk)
        x = self.norm1(x + attn(x))
        x = self.norm2(x + cross(x))
        return self.norm3(x + self.ff_block(x))


class EncoderBlock(nn.Module):
    """Baseline Transformer encoder block; its attention has an output bias iff `bias`."""

    def __init__(self, d_model, n_heads, dff, dropout_rate, activation, norm_first, norm_type='layernorm',
                 bias=True, causal=False, attn_kwargs=None, code_era=HEAD_ERA):
        super().__init__()
        self.norm_first, self.causal = norm_first, causal
        self.dropout = nn.Dropout(dropout_rate)
        self.norm1 = make_norm(d_model, norm_type)
        kwargs = {'n_kv_heads': None, 'add_bias_kv': False}
        kwargs.update(attn_kwargs or {})
        self.self_attn = Attention(d_model, n_heads, dropout=dropout_rate, add_bias_out=bias, **kwargs)
        self.norm2 = make_norm(d_model, norm_type)
        self.ff_block = FeedForwardBlock(d_model, dff, activation, bias, code_era)

    def forward(self, x, rope=None):
        attn = lambda h: self.dropout(self.self_attn(h, h, h, rope=rope, causal=self.causal)[0])
        ff = lambda h: self.dropout(self.ff_block(h))
        if self.norm_first:
            x = x + attn(self.norm1(x))
            return x + ff(self.norm2(x))
        x = self.norm1(x + attn(x))
        x = self.dropout(x)
        return self.norm2(x + ff(x))


class DecoderBlock(nn.Module):
    """Baseline decoder block: cross-attention uses n_heads (n_heads_cross is ignored)."""

    def __init__(self, d_model, n_heads, n_heads_cross, dff, dropout_rate, activation, norm_first,
                 norm_type='layernorm', bias=True, causal=False, code_era=HEAD_ERA):
        super().__init__()
        self.norm_first, self.causal = norm_first, causal
        self.dropout = nn.Dropout(dropout_rate)
        self.norm1 = make_norm(d_model, norm_type)
        self.self_attn = Attention(d_model, n_heads, dropout=dropout_rate, add_bias_out=bias)
        self.norm2 = make_norm(d_model, norm_type)
        self.cross_attn = Attention(d_model, n_heads, dropout=dropout_rate, add_bias_out=bias)
        self.norm3 = make_norm(d_model, norm_type)
        self.ff_block = FeedForwardBlock(d_model, dff, activation, bias, code_era)

    def forward(self, x, context, rope=None):
        attn = lambda h: self.dropout(self.self_attn(h, h, h, rope=rope, causal=self.causal)[0])
        cross = lambda h: self.dropout(self.cross_attn(h, context, context)[0])
        if self.norm_first:
            x = x + attn(self.norm1(x))
            x = x + cross(self.norm2(x))
            return x + self.ff_block(self.norm3(x))
        x = self.norm1(x + attn(x))
        x = self.norm2(x + cross(x))
        return self.norm3(x + self.ff_block(x))


# ---------------------------------------------------------------------------------- language models

class _LanguageModel(nn.Module):
    """Shared skeleton of DualAttnTransformerLM and TransformerLM (spec §7.1)."""

    def _finish(self, vocab_size, d_model, n_layers, n_heads_total, max_block_size, pos_enc_type,
                norm_type, activation, layers):
        self.block_size, self.pos_enc_type = max_block_size, pos_enc_type
        if self.code_era >= 2:
            layers['norm'] = make_norm(d_model, norm_type)
            layers['final_out'] = nn.Linear(d_model, vocab_size, bias=False)
        else:
            layers['final_out'] = nn.Linear(d_model, vocab_size)
        if pos_enc_type == 'pos_emb':
            layers['positional_embedder'] = nn.Embedding(max_block_size, d_model)
            self.rope = None
        elif pos_enc_type == 'RoPE':
            self.rope = rope_tables(d_model // n_heads_total, max_block_size)
        else:
            raise ValueError(f'pos_enc_type {pos_enc_type!r} invalid')
        self.layers = nn.ModuleDict(layers)
        if self.code_era >= 2:
            self.layers.final_out.weight = self.layers.token_embedder.weight  # tied
            self.apply(self._init_weights)
            special = 'linear3.weight' if activation == 'swiglu' else 'linear2.weight'
            for name, p in self.named_parameters():
                if name.endswith(special) or name.endswith('wo.weight'):
                    nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * n_layers))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, RelationalAttention) and module.code_era >= 2:
            nn.init.normal_(module.wr, 0.0, 0.02)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, 0.0, 0.02)

    def _embed(self, tokens):
        T = tokens.shape[1]
        assert T <= self.block_size
        x = self.layers.token_embedder(tokens)
        if self.pos_enc_type == 'pos_emb':
            x = x + self.layers.positional_embedder.weight[:T]
        return x

    def _head(self, x):
        if self.code_era >= 2:
            x = self.layers.norm(x)
        return self.layers.final_out(x)


class DualAttnTransformerLM(_LanguageModel):
    def __init__(self, vocab_size, d_model, n_layers, n_heads_sa, n_heads_ra, symbol_retrieval_kwargs=None,
                 dff=None, dropout_rate=0.0, activation='relu', norm_first=True, max_block_size=None,
                 norm_type='layernorm', sa_kwargs=None, ra_kwargs=None, ra_type='relational_attention',
                 share_attn_params=False, symbol_retrieval='symbolic_attention', symbol_retriever_config=None,
                 pos_enc_type='pos_emb', bias=True, code_era=HEAD_ERA):
        super().__init__()
        self.code_era = code_era
        layers = {'token_embedder': nn.Embedding(vocab_size, d_model), 'dropout': nn.Dropout(dropout_rate)}
        # the retriever is built (and called) even when n_heads_ra == 0, as in the reference
        cfg = dict(symbol_retriever_config or {})
        shared = cfg.get('shared_symbol_retriever', True)
        tie_library = cfg.get('weight_tie_symbol_library', False)
        if code_era >= 2:
            if shared:
                retrievers = [make_retriever(symbol_retrieval, symbol_retrieval_kwargs)] * n_layers
            else:
                retrievers = [make_retriever(symbol_retrieval, symbol_retrieval_kwargs) for _ in range(n_layers)]
                if tie_library:
                    for r in retrievers[1:]:
                        r.symbol_library = retrievers[0].symbol_library
            layers['symbol_retrievers'] = nn.ModuleList(retrievers)
        else:
            layers['symbol_retriever'] = make_retriever(symbol_retrieval, symbol_retrieval_kwargs)
        # `bias` is not forwarded to the blocks (reference quirk): FFN biases stay on.
        layers['blocks'] = nn.ModuleList([
            DualAttnEncoderBlock(d_model, n_heads_sa, n_heads_ra, dff, activation, dropout_rate, norm_first,
                                 norm_type, sa_kwargs, ra_kwargs, ra_type, share_attn_params, causal=True,
                                 code_era=code_era)
            for _ in range(n_layers)])
        self._finish(vocab_size, d_model, n_layers, n_heads_sa + n_heads_ra, max_block_size, pos_enc_type,
                     norm_type, activation, layers)

    def forward(self, tokens):
        x = self._embed(tokens)  # the embedding dropout exists but is never applied (reference quirk)
        for i, block in enumerate(self.layers.blocks):
            retriever = self.layers.symbol_retrievers[i] if self.code_era >= 2 else self.layers.symbol_retriever
            symbols = retriever(x)  # from the un-normalized residual stream
            x = block(x, symbols, rope=self.rope)
        return self._head(x)


class TransformerLM(_LanguageModel):
    def __init__(self, vocab_size, d_model, n_layers, n_heads, dff=None, dropout_rate=0.0, activation='relu',
                 norm_first=True, max_block_size=None, norm_type='layernorm', bias=True, pos_enc_type='pos_emb',
                 use_flash_attention=True, block_kwargs=None, code_era=HEAD_ERA):
        super().__init__()
        self.code_era = code_era
        layers = {
            'token_embedder': nn.Embedding(vocab_size, d_model),
            'dropout': nn.Dropout(dropout_rate),
            'blocks': nn.ModuleList([
                EncoderBlock(d_model, n_heads, dff, dropout_rate, activation, norm_first, norm_type, bias,
                             causal=True, code_era=code_era, **(block_kwargs or {}))
                for _ in range(n_layers)]),
        }
        self._finish(vocab_size, d_model, n_layers, n_heads, max_block_size, pos_enc_type, norm_type,
                     activation, layers)

    def forward(self, tokens):
        x = self._embed(tokens)
        for block in self.layers.blocks:
            x = block(x, rope=self.rope)
        return self._head(x)


# ----------------------------------------------------------------------------------------- seq2seq

def sinusoidal_table(max_len, d_model):
    pos = torch.arange(max_len).unsqueeze(1)
    div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


class SinusoidalPositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len):
        super().__init__()
        self.scale = math.sqrt(d_model)
        self.register_buffer('pe', sinusoidal_table(max_len, d_model))

    def forward(self, x):
        return self.scale * x + self.pe[: x.shape[1]].to(x.dtype)


class LearnedPositionalEmbeddings(nn.Module):
    def __init__(self, d_model, max_len):
        super().__init__()
        self.scale = math.sqrt(d_model)
        self.position_embeddings = nn.Embedding(max_len, d_model)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x):
        return self.dropout(self.scale * x + self.position_embeddings.weight[: x.shape[1]])


def _embedder(spec, d_model):
    if spec['type'] == 'token':
        return nn.Embedding(spec['vocab_size'], d_model)
    if spec['type'] == 'vector':
        return nn.Linear(spec['dim'], d_model)
    raise ValueError(f"spec type {spec['type']!r} invalid")


class _Seq2Seq(nn.Module):
    def _finish(self, layers, d_model, d_head, pos_enc_type, in_block_size, out_block_size, out_dim):
        layers['final_out'] = nn.Linear(d_model, out_dim)
        self.pos_enc_type = pos_enc_type
        self.rope = None
        if pos_enc_type == 'sinusoidal':
            layers['source_pos_embedder'] = SinusoidalPositionalEncoding(d_model, in_block_size)
            layers['target_pos_embedder'] = SinusoidalPositionalEncoding(d_model, out_block_size)
        elif pos_enc_type == 'learned':
            layers['source_pos_embedder'] = LearnedPositionalEmbeddings(d_model, in_block_size)
            layers['target_pos_embedder'] = LearnedPositionalEmbeddings(d_model, out_block_size)
        elif pos_enc_type == 'RoPE':
            self.rope = rope_tables(d_head, max(in_block_size, out_block_size))
        else:
            raise ValueError(f'pos_enc_type {pos_enc_type!r} invalid')
        self.layers = nn.ModuleDict(layers)
        # tie_weights is ineffective in the reference (attribute-name bug): nothing is tied here.

    def _embed(self, src, tgt):
        x = self.layers.source_embedder(src)
        y = self.layers.target_embedder(tgt)
        rope_x = rope_y = None
        if self.pos_enc_type in ('sinusoidal', 'learned'):
            x = self.layers.source_pos_embedder(x)
            y = self.layers.target_pos_embedder(y)
        else:
            rope_x = (self.rope[0][: x.shape[1]], self.rope[1][: x.shape[1]])
            rope_y = (self.rope[0][: y.shape[1]], self.rope[1][: y.shape[1]])
        return x, y, rope_x, rope_y


class Seq2SeqDualAttnTransformer(_Seq2Seq):
    def __init__(self, input_spec, output_spec, symbol_retrieval, symbol_retrieval_kwargs, d_model, out_dim,
                 n_layers_enc, n_layers_dec, encoder_kwargs, decoder_kwargs, in_block_size, out_block_size,
                 update_symbols_each_layer=True, pos_enc_type='sinusoidal', tie_weights=True, loss_ignore_idx=-1,
                 code_era=HEAD_ERA):
        super().__init__()
        self.update = update_symbols_each_layer or code_era < 2
        layers = {
            'source_embedder': _embedder(input_spec, d_model),
            'target_embedder': _embedder(output_spec, d_model),
            'symbol_retriever': make_retriever(symbol_retrieval, symbol_retrieval_kwargs),
            'encoder_blocks': nn.ModuleList([DualAttnEncoderBlock(d_model, code_era=code_era, **encoder_kwargs)
                                             for _ in range(n_layers_enc)]),
            # the reference builds n_layers_enc decoder blocks (n_layers_dec is ignored)
            'decoder_blocks': nn.ModuleList([DualAttnDecoderBlock(d_model, code_era=code_era, **decoder_kwargs)
                                             for _ in range(n_layers_enc)]),
        }
        d_head = d_model // (encoder_kwargs['n_heads_sa'] + encoder_kwargs['n_heads_ra'])
        self._finish(layers, d_model, d_head, pos_enc_type, in_block_size, out_block_size, out_dim)

    def forward(self, src, tgt):
        x, y, rope_x, rope_y = self._embed(src, tgt)
        retriever = self.layers.symbol_retriever
        symbols = retriever(x)
        for block in self.layers.encoder_blocks:
            if self.update:
                symbols = retriever(x)
            x = block(x, symbols, rope=rope_x)
        symbols = retriever(y)
        for block in self.layers.decoder_blocks:
            if self.update:
                symbols = retriever(y)
            y = block(y, x, symbols, rope=rope_y)
        return self.layers.final_out(y)


class Seq2SeqTransformer(_Seq2Seq):
    def __init__(self, input_spec, output_spec, d_model, out_dim, n_layers_enc, n_layers_dec, encoder_kwargs,
                 decoder_kwargs, in_block_size, out_block_size, pos_enc_type='sinusoidal', tie_weights=True,
                 loss_ignore_idx=-1, code_era=HEAD_ERA):
        super().__init__()
        layers = {
            'source_embedder': _embedder(input_spec, d_model),
            'target_embedder': _embedder(output_spec, d_model),
            'encoder_blocks': nn.ModuleList([EncoderBlock(d_model, code_era=code_era, **encoder_kwargs)
                                             for _ in range(n_layers_enc)]),
            'decoder_blocks': nn.ModuleList([DecoderBlock(d_model, code_era=code_era, **decoder_kwargs)
                                             for _ in range(n_layers_dec)]),
        }
        self._finish(layers, d_model, d_model // encoder_kwargs['n_heads'], pos_enc_type, in_block_size,
                     out_block_size, out_dim)

    def forward(self, src, tgt):
        x, y, rope_x, rope_y = self._embed(src, tgt)
        for block in self.layers.encoder_blocks:
            x = block(x, rope=rope_x)
        for block in self.layers.decoder_blocks:
            y = block(y, x, rope=rope_y)
        return self.layers.final_out(y)


# ------------------------------------------------------------------------------------------ vision

def patchify(images, ph, pw):
    """(B, C, H, W) -> (B, (H/ph)*(W/pw), ph*pw*C): grid row-major, within a patch (row, col, channel)."""
    B, C, H, W = images.shape
    x = images.view(B, C, H // ph, ph, W // pw, pw)
    return x.permute(0, 2, 4, 3, 5, 1).reshape(B, (H // ph) * (W // pw), ph * pw * C)


class _Vision(nn.Module):
    def _setup(self, image_shape, patch_size, num_classes, d_model, dropout_rate, norm_type, final_norm,
               use_rope, n_heads_total, code_era):
        C, W, H = image_shape
        self.pw, self.ph = patch_size
        n_patches = (W // self.pw) * (H // self.ph)
        patch_dim = self.pw * self.ph * C
        self.code_era = code_era
        self.to_patch_embedding = nn.Sequential(
            nn.Identity(),  # index 0: the patch rearrangement (no parameters)
            nn.LayerNorm(patch_dim), nn.Linear(patch_dim, d_model), nn.LayerNorm(d_model))
        self.pos_embedding = nn.Parameter(torch.randn(1, n_patches + 1, d_model))
        self.cls_token = nn.Parameter(torch.randn(1, 1, d_model))
        self.dropout = nn.Dropout(dropout_rate)
        self.rope = rope_tables(d_model // n_heads_total, n_patches + 1) if use_rope else None
        if code_era >= 2:
            head = ([make_norm(d_model, norm_type)] if final_norm else []) + [nn.Linear(d_model, num_classes)]
            self.final_out = nn.Sequential(*head)
        else:
            self.final_out = nn.Linear(d_model, num_classes)

    def _tokens(self, images):
        x = self.to_patch_embedding(patchify(images, self.ph, self.pw))
        B, n, _ = x.shape
        x = torch.cat([self.cls_token.expand(B, 1, -1), x], dim=1) + self.pos_embedding[:, : n + 1]
        return self.dropout(x)

    def _pool(self, x):
        return x[:, 0] if self.pool == 'cls' else x.mean(dim=1)  # mean includes the cls token


class VisionDualAttnTransformer(_Vision):
    def __init__(self, image_shape, patch_size, num_classes, d_model, n_layers, n_heads_sa, n_heads_ra, dff,
                 dropout_rate, activation, norm_first, symbol_retrieval, symbol_retrieval_kwargs,
                 update_symbols_each_layer=True, use_rope=False, ra_type='relational_attention', ra_kwargs=None,
                 sa_kwargs=None, norm_type='layernorm', final_norm=True, bias=True, pool='cls', code_era=HEAD_ERA):
        super().__init__()
        self.pool = pool
        self.update = update_symbols_each_layer or code_era < 2
        self._setup(image_shape, patch_size, num_classes, d_model, dropout_rate, norm_type, final_norm, use_rope,
                    n_heads_sa + n_heads_ra, code_era)
        self.symbol_retriever = make_retriever(symbol_retrieval, symbol_retrieval_kwargs)
        self.encoder_blocks = nn.ModuleList([
            DualAttnEncoderBlock(d_model, n_heads_sa, n_heads_ra, dff, activation, dropout_rate, norm_first,
                                 norm_type, sa_kwargs, ra_kwargs, ra_type, False, bias, False, code_era)
            for _ in range(n_layers)])

    def forward(self, images):
        x = self._tokens(images)
        symbols = self.symbol_retriever(x)
        for block in self.encoder_blocks:
            if self.update:
                symbols = self.symbol_retriever(x)
            x = block(x, symbols, rope=self.rope)
        return self.final_out(self._pool(x))


class VisionTransformer(_Vision):
    def __init__(self, image_shape, patch_size, num_classes, d_model, n_layers, n_heads, dff, dropout_rate,
                 activation, norm_first, use_rope=False, norm_type='layernorm', final_norm=True, bias=True,
                 attn_kwargs=None, pool='cls', code_era=HEAD_ERA):
        super().__init__()
        self.pool = pool
        self._setup(image_shape, patch_size, num_classes, d_model, dropout_rate, norm_type, final_norm, use_rope,
                    n_heads, code_era)
        self.encoder_blocks = nn.ModuleList([
            EncoderBlock(d_model, n_heads, dff, dropout_rate, activation, norm_first, norm_type, bias, False,
                         attn_kwargs, code_era)
            for _ in range(n_layers)])

    def forward(self, images):
        x = self._tokens(images)
        for block in self.encoder_blocks:
            x = block(x, rope=self.rope)
        return self.final_out(self._pool(x))


# ---------------------------------------------------------------------------------------- building

MODELS = {
    'DualAttnTransformerLM': DualAttnTransformerLM,
    'TransformerLM': TransformerLM,
    'Seq2SeqDualAttnTransformer': Seq2SeqDualAttnTransformer,
    'Seq2SeqTransformer': Seq2SeqTransformer,
    'VisionDualAttnTransformer': VisionDualAttnTransformer,
    'VisionTransformer': VisionTransformer,
}


def build_model(config):
    """Builds a model from a dat4j JSON config: {"model": <reference class>, "code_era": 1|2, kwargs...}."""
    kwargs = dict(config)
    cls = MODELS[kwargs.pop('model')]
    kwargs.setdefault('code_era', HEAD_ERA)
    return cls(**kwargs)


def count_parameters(model):
    """Number of distinct parameter elements (shared tensors counted once), as `sum(p.numel())`."""
    return sum(p.numel() for p in model.parameters())
