"""Golden fixtures for the dat4j DAT tests, computed by the PyTorch reference (dat_reference.py).

For every case (one module or model with a small config) this writes `<out>/<case>.safetensors` holding
  param/<name>        the (random, fixed-seed) weights, float32, named like the reference state dict
  input/<name>        inputs (float32, or int32 token ids)
  output/<name>       outputs
  loss_weight/<name>  a fixed random tensor R per weighted output
  grad/param/<name>, grad/input/<name>
                      gradients of  loss = sum_k <output_k, R_k>  (+ mean cross-entropy for models)
and `<out>/index.json` describing each case (module class, kwargs or model config, how it is called).
It also writes `<out>/param_counts.json`: the parameter counts of the spec-§10 configurations.

Weights are drawn in float32 (so the stored values are exact), then the module runs in float64 and
results are rounded to float32: the fixtures are the exact answer up to fp32 rounding.
All modules run in eval mode (dropout rates are nonzero in some configs to check that eval disables them).

Usage: python3 make_fixtures.py --out DIR
"""
import argparse
import json
import os
import sys
import traceback
import zlib

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dat_reference as R  # noqa: E402

B, L, D = 2, 5, 16


# ------------------------------------------------------------------------------------------- cases

CASES = []


def case(name, kind, cls, kwargs, inputs, call=None, weighted=None):
    """kind: 'module' (kwargs = constructor keywords) or 'model' (kwargs = the JSON config).
    inputs: name -> ('float', shape) | ('int', shape, high) | ('target', shape, high).
    call: how the module is invoked (causal, rope length/dim, ...)."""
    CASES.append(dict(name=name, kind=kind, cls=cls, kwargs=kwargs, inputs=inputs, call=call or {},
                      weighted=weighted))


def fl(*shape):
    return ('float', list(shape))


def ids(high, *shape):
    return ('int', list(shape), high)


def targets(high, *shape):
    return ('target', list(shape), high)


# Attention ---------------------------------------------------------------------------------------
case('attn_mha', 'module', 'Attention', dict(d_model=D, n_heads=4, dropout=0.1), {'x': fl(B, L, D)})
case('attn_gqa_bias_causal', 'module', 'Attention',
     dict(d_model=D, n_heads=4, dropout=0.0, n_kv_heads=2, add_bias_kv=True, add_bias_out=True),
     {'x': fl(B, L, D)}, call=dict(causal=True))
case('attn_symmetric_rope', 'module', 'Attention', dict(d_model=D, n_heads=4, dropout=0.0, symmetric_attn=True),
     {'x': fl(B, L, D)}, call=dict(causal=True, rope=True))
case('attn_keydim_mqa_partial', 'module', 'Attention',
     dict(d_model=D, n_heads=2, dropout=0.0, key_dim=6, n_kv_heads=1, total_n_heads=4), {'x': fl(B, L, D)})
case('attn_cross', 'module', 'Attention', dict(d_model=D, n_heads=2, dropout=0.0, add_bias_out=True),
     {'x': fl(B, L, D), 'context': fl(B, 7, D)})
case('attn_gqa_rope_partial', 'module', 'Attention',
     dict(d_model=D, n_heads=4, dropout=0.0, n_kv_heads=2, total_n_heads=8), {'x': fl(B, 6, D)},
     call=dict(causal=True, rope=True))

# Relational attention ----------------------------------------------------------------------------
case('ra_default', 'module', 'RelationalAttention', dict(d_model=D, n_heads=4),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)})
for i, act in enumerate(['relu', 'sigmoid', 'tanh', 'gelu', 'silu', 'softmax']):
    case(f'ra_act_{act}', 'module', 'RelationalAttention',
         dict(d_model=D, n_heads=2, total_n_heads=4, rel_activation=act, n_relations=2),
         {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=(i % 2 == 0)))
case('ra_full', 'module', 'RelationalAttention',
     dict(d_model=D, n_heads=2, total_n_heads=4, n_relations=4, rel_proj_dim=2, n_kv_heads=1, add_bias_kv=True,
          add_bias_out=True, symmetric_rels=True, dropout=0.1),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=True, rope=True))
case('ra_relative_gqa_keydim', 'module', 'RelationalAttention',
     dict(d_model=D, n_heads=4, n_kv_heads=2, key_dim=3, n_relations=8, rel_proj_dim=2,
          use_relative_positional_symbols=True),
     {'x': fl(B, L, D), 'symbols': fl(L, L, D)})
case('ra_symmetric_attn', 'module', 'RelationalAttention',
     dict(d_model=D, n_heads=2, total_n_heads=4, symmetric_attn=True, n_relations=1, rel_proj_dim=8),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=True, rope=True))
case('ra_era1', 'module', 'RelationalAttention',
     dict(d_model=D, n_heads=2, total_n_heads=4, n_relations=3, code_era=1),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=True))

# Symbol retrievers -------------------------------------------------------------------------------
case('symbolic_attention', 'module', 'SymbolicAttention', dict(d_model=D, n_heads=2, n_symbols=7),
     {'x': fl(B, L, D)})
case('symbolic_attention_frozen_scaled', 'module', 'SymbolicAttention',
     dict(d_model=D, n_heads=4, n_symbols=5, scale=0.5, trainable_symbols=False), {'x': fl(B, L, D)})
case('positional_symbols', 'module', 'PositionalSymbolRetriever', dict(symbol_dim=D, max_length=9),
     {'x': fl(B, L, D)})
case('relative_symbols', 'module', 'PositionRelativeSymbolRetriever', dict(symbol_dim=D, max_rel_pos=2),
     {'x': fl(B, 6, D)})

# Dual attention ----------------------------------------------------------------------------------
case('dual_attn', 'module', 'DualAttention',
     dict(d_model=D, n_heads_sa=2, n_heads_ra=2, dropout=0.1, sa_kwargs=dict(n_kv_heads=1),
          ra_kwargs=dict(n_relations=2, rel_proj_dim=4)),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=True, rope=True))
case('dual_attn_shared', 'module', 'DualAttention',
     dict(d_model=D, n_heads_sa=2, n_heads_ra=2, dropout=0.0, share_attn_params=True),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)})
case('dual_attn_sa_only', 'module', 'DualAttention', dict(d_model=D, n_heads_sa=4, n_heads_ra=0, dropout=0.0),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=True))
case('dual_attn_ra_only', 'module', 'DualAttention', dict(d_model=D, n_heads_sa=0, n_heads_ra=2, dropout=0.0),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)})

# Dual attention with the ablation variants of relational attention (ra_type)
case('dual_attn_rca', 'module', 'DualAttention',
     dict(d_model=D, n_heads_sa=2, n_heads_ra=2, dropout=0.0, ra_type='rca'),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=True, rope=True))
case('dual_attn_rca_relu_mqa_bias', 'module', 'DualAttention',
     dict(d_model=D, n_heads_sa=1, n_heads_ra=3, dropout=0.0, ra_type='rca',
          ra_kwargs=dict(activation='relu', n_kv_heads=1, add_bias_kv=True, add_bias_out=True)),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=True))
case('dual_attn_rca_relative', 'module', 'DualAttention',
     dict(d_model=D, n_heads_sa=0, n_heads_ra=2, dropout=0.0, ra_type='rca',
          ra_kwargs=dict(use_relative_positional_symbols=True)),
     {'x': fl(B, L, D), 'symbols': fl(L, L, D)})
case('dual_attn_disrca', 'module', 'DualAttention',
     dict(d_model=D, n_heads_sa=2, n_heads_ra=2, dropout=0.0, ra_type='disrca'),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(causal=True, rope=True))
case('dual_attn_disrca_tanh_shared_mqa', 'module', 'DualAttention',
     dict(d_model=D, n_heads_sa=2, n_heads_ra=2, dropout=0.0, ra_type='disrca', share_attn_params=True,
          sa_kwargs=dict(n_kv_heads=1), ra_kwargs=dict(rel_activation='tanh', n_kv_heads=1, add_bias_kv=True)),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)})

# Feed-forward ------------------------------------------------------------------------------------
case('ffn_relu_bias', 'module', 'FeedForwardBlock', dict(embed_dim=D, dff=24, activation='relu', use_bias=True),
     {'x': fl(B, L, D)})
case('ffn_gelu', 'module', 'FeedForwardBlock', dict(embed_dim=D, activation='gelu'), {'x': fl(B, L, D)})
case('ffn_swiglu_bias', 'module', 'FeedForwardBlock', dict(embed_dim=D, activation='swiglu', use_bias=True),
     {'x': fl(B, L, D)})
case('ffn_swiglu_era1', 'module', 'FeedForwardBlock', dict(embed_dim=D, activation='swiglu', code_era=1),
     {'x': fl(B, L, D)})

# Blocks ------------------------------------------------------------------------------------------
DAT_BLOCK = dict(d_model=D, n_heads_sa=2, n_heads_ra=2, dff=32, activation='gelu', dropout_rate=0.1,
                 ra_kwargs=dict(n_relations=2, rel_proj_dim=4))
case('dat_enc_prenorm', 'module', 'DualAttnEncoderBlock', dict(DAT_BLOCK, norm_first=True, causal=True),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)}, call=dict(rope=True))
case('dat_enc_postnorm', 'module', 'DualAttnEncoderBlock',
     dict(DAT_BLOCK, norm_first=False, activation='relu', bias=False),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)})
case('dat_enc_rmsnorm', 'module', 'DualAttnEncoderBlock',
     dict(DAT_BLOCK, norm_first=True, norm_type='rmsnorm', activation='swiglu'),
     {'x': fl(B, L, D), 'symbols': fl(B, L, D)})
case('dat_dec_prenorm', 'module', 'DualAttnDecoderBlock',
     dict(DAT_BLOCK, n_heads_cross=2, norm_first=True, cross_kwargs=dict(add_bias_out=True)),
     {'x': fl(B, L, D), 'context': fl(B, 6, D), 'symbols': fl(B, L, D)})
case('dat_dec_postnorm', 'module', 'DualAttnDecoderBlock',
     dict(DAT_BLOCK, n_heads_cross=4, norm_first=False, activation='relu'),
     {'x': fl(B, L, D), 'context': fl(B, 6, D), 'symbols': fl(B, L, D)}, call=dict(rope=True))
case('enc_block_prenorm', 'module', 'EncoderBlock',
     dict(d_model=D, n_heads=4, dff=32, dropout_rate=0.1, activation='gelu', norm_first=True, causal=True),
     {'x': fl(B, L, D)}, call=dict(rope=True))
case('enc_block_postnorm_nobias', 'module', 'EncoderBlock',
     dict(d_model=D, n_heads=4, dff=32, dropout_rate=0.1, activation='relu', norm_first=False, bias=False,
          attn_kwargs=dict(n_kv_heads=2)),
     {'x': fl(B, L, D)})
case('dec_block_prenorm', 'module', 'DecoderBlock',
     dict(d_model=D, n_heads=4, n_heads_cross=2, dff=32, dropout_rate=0.1, activation='relu', norm_first=True,
          causal=True),
     {'x': fl(B, L, D), 'context': fl(B, 6, D)})
case('dec_block_postnorm', 'module', 'DecoderBlock',
     dict(d_model=D, n_heads=2, n_heads_cross=2, dff=32, dropout_rate=0.1, activation='swiglu', norm_first=False,
          causal=True),
     {'x': fl(B, L, D), 'context': fl(B, 6, D)})

# Models ------------------------------------------------------------------------------------------
V, T = 13, 6
SYMATTN = dict(d_model=D, n_heads=2, n_symbols=6)
case('lm_dat_head', 'model', 'DualAttnTransformerLM',
     dict(model='DualAttnTransformerLM', vocab_size=V, d_model=D, n_layers=2, n_heads_sa=2, n_heads_ra=2,
          symbol_retrieval='symbolic_attention', symbol_retrieval_kwargs=SYMATTN, dff=None, dropout_rate=0.1,
          activation='gelu', norm_first=True, max_block_size=8, ra_kwargs=dict(n_relations=2, rel_proj_dim=4)),
     {'tokens': ids(V, B, T), 'targets': targets(V, B, T)})
case('lm_dat_head_rope_unshared', 'model', 'DualAttnTransformerLM',
     dict(model='DualAttnTransformerLM', vocab_size=V, d_model=D, n_layers=2, n_heads_sa=2, n_heads_ra=2,
          symbol_retrieval='symbolic_attention', symbol_retrieval_kwargs=dict(SYMATTN, trainable_symbols=False),
          symbol_retriever_config=dict(shared_symbol_retriever=False, weight_tie_symbol_library=True),
          dff=None, dropout_rate=0.0, activation='swiglu', norm_first=True, max_block_size=8, pos_enc_type='RoPE',
          sa_kwargs=dict(n_kv_heads=1), ra_kwargs=dict(symmetric_rels=True, n_kv_heads=1), bias=False),
     {'tokens': ids(V, B, T), 'targets': targets(V, B, T)})
case('lm_dat_era1', 'model', 'DualAttnTransformerLM',
     dict(model='DualAttnTransformerLM', code_era=1, vocab_size=V, d_model=D, n_layers=2, n_heads_sa=2,
          n_heads_ra=2, symbol_retrieval='position_relative', symbol_retrieval_kwargs=dict(symbol_dim=D, max_rel_pos=3),
          dff=None, dropout_rate=0.1, activation='swiglu', norm_first=True, max_block_size=8, pos_enc_type='RoPE',
          ra_kwargs=dict(n_relations=2, use_relative_positional_symbols=True), bias=False),
     {'tokens': ids(V, B, T), 'targets': targets(V, B, T)})
case('lm_dat_head_postnorm_rms_shared', 'model', 'DualAttnTransformerLM',
     dict(model='DualAttnTransformerLM', vocab_size=V, d_model=D, n_layers=2, n_heads_sa=2, n_heads_ra=2,
          symbol_retrieval='positional_symbols', symbol_retrieval_kwargs=dict(symbol_dim=D, max_length=8),
          dff=24, dropout_rate=0.1, activation='relu', norm_first=False, norm_type='rmsnorm', max_block_size=8,
          share_attn_params=True, ra_kwargs=dict(n_relations=2, rel_proj_dim=4, rel_activation='tanh')),
     {'tokens': ids(V, B, T), 'targets': targets(V, B, T)})
case('lm_transformer_head', 'model', 'TransformerLM',
     dict(model='TransformerLM', vocab_size=V, d_model=D, n_layers=2, n_heads=4, dff=None, dropout_rate=0.1,
          activation='relu', norm_first=True, max_block_size=8, bias=False),
     {'tokens': ids(V, B, T), 'targets': targets(V, B, T)})
case('lm_transformer_era1', 'model', 'TransformerLM',
     dict(model='TransformerLM', code_era=1, vocab_size=V, d_model=D, n_layers=2, n_heads=4, dff=None,
          dropout_rate=0.1, activation='swiglu', norm_first=True, max_block_size=8, bias=True, pos_enc_type='RoPE'),
     {'tokens': ids(V, B, T), 'targets': targets(V, B, T)})

SV, TV, LS, LT = 11, 9, 7, 5
DAT_ENC = dict(n_heads_sa=2, n_heads_ra=2, dff=32, activation='relu', dropout_rate=0.1, norm_first=False,
               ra_kwargs=dict(use_relative_positional_symbols=True))
DAT_DEC = dict(DAT_ENC, n_heads_cross=2)
case('s2s_dat_relative', 'model', 'Seq2SeqDualAttnTransformer',
     dict(model='Seq2SeqDualAttnTransformer', input_spec=dict(type='token', vocab_size=SV),
          output_spec=dict(type='token', vocab_size=TV), symbol_retrieval='position_relative',
          symbol_retrieval_kwargs=dict(symbol_dim=D, max_rel_pos=4), d_model=D, out_dim=TV, n_layers_enc=2,
          n_layers_dec=1, encoder_kwargs=DAT_ENC, decoder_kwargs=DAT_DEC, in_block_size=LS, out_block_size=LT),
     {'src': ids(SV, B, LS), 'tgt': ids(TV, B, LT), 'targets': targets(TV, B, LT)})
case('s2s_dat_rope_symattn', 'model', 'Seq2SeqDualAttnTransformer',
     dict(model='Seq2SeqDualAttnTransformer', input_spec=dict(type='token', vocab_size=SV),
          output_spec=dict(type='token', vocab_size=TV), symbol_retrieval='symbolic_attention',
          symbol_retrieval_kwargs=SYMATTN, d_model=D, out_dim=TV, n_layers_enc=1, n_layers_dec=1,
          encoder_kwargs=dict(n_heads_sa=3, n_heads_ra=1, dff=24, activation='gelu', dropout_rate=0.0,
                              norm_first=True),
          decoder_kwargs=dict(n_heads_sa=4, n_heads_ra=0, n_heads_cross=4, dff=24, activation='gelu',
                              dropout_rate=0.0, norm_first=True),
          in_block_size=LS, out_block_size=LT, pos_enc_type='RoPE', update_symbols_each_layer=False),
     {'src': ids(SV, B, LS), 'tgt': ids(TV, B, LT), 'targets': targets(TV, B, LT)})
case('s2s_dat_era1', 'model', 'Seq2SeqDualAttnTransformer',
     dict(model='Seq2SeqDualAttnTransformer', code_era=1, input_spec=dict(type='token', vocab_size=SV),
          output_spec=dict(type='token', vocab_size=TV), symbol_retrieval='positional_symbols',
          symbol_retrieval_kwargs=dict(symbol_dim=D, max_length=8), d_model=D, out_dim=TV, n_layers_enc=1,
          n_layers_dec=1, encoder_kwargs=dict(DAT_ENC, ra_kwargs=dict(n_relations=3)),
          decoder_kwargs=dict(DAT_DEC, ra_kwargs=dict(n_relations=3)), in_block_size=LS, out_block_size=LT),
     {'src': ids(SV, B, LS), 'tgt': ids(TV, B, LT), 'targets': targets(TV, B, LT)})
case('s2s_dat_learned', 'model', 'Seq2SeqDualAttnTransformer',
     dict(model='Seq2SeqDualAttnTransformer', input_spec=dict(type='token', vocab_size=SV),
          output_spec=dict(type='token', vocab_size=TV), symbol_retrieval='positional_symbols',
          symbol_retrieval_kwargs=dict(symbol_dim=D, max_length=8), d_model=D, out_dim=TV, n_layers_enc=1,
          n_layers_dec=1, encoder_kwargs=dict(DAT_ENC, ra_kwargs=dict(n_relations=4, rel_proj_dim=2)),
          decoder_kwargs=dict(DAT_DEC, ra_kwargs=dict(n_kv_heads=1, add_bias_kv=True)), in_block_size=LS,
          out_block_size=LT, pos_enc_type='learned'),
     {'src': ids(SV, B, LS), 'tgt': ids(TV, B, LT), 'targets': targets(TV, B, LT)})
case('s2s_transformer', 'model', 'Seq2SeqTransformer',
     dict(model='Seq2SeqTransformer', input_spec=dict(type='token', vocab_size=SV),
          output_spec=dict(type='token', vocab_size=TV), d_model=D, out_dim=TV, n_layers_enc=2, n_layers_dec=1,
          encoder_kwargs=dict(n_heads=4, dff=32, activation='relu', dropout_rate=0.1, norm_first=False),
          decoder_kwargs=dict(n_heads=4, n_heads_cross=2, dff=32, activation='relu', dropout_rate=0.1,
                              norm_first=False, causal=True),
          in_block_size=LS, out_block_size=LT),
     {'src': ids(SV, B, LS), 'tgt': ids(TV, B, LT), 'targets': targets(TV, B, LT)})

case('s2s_transformer_vector_rope', 'model', 'Seq2SeqTransformer',
     dict(model='Seq2SeqTransformer', input_spec=dict(type='vector', dim=5),
          output_spec=dict(type='token', vocab_size=TV), d_model=D, out_dim=TV, n_layers_enc=1, n_layers_dec=2,
          encoder_kwargs=dict(n_heads=2, dff=32, activation='gelu', dropout_rate=0.0, norm_first=True,
                              attn_kwargs=dict(n_kv_heads=1)),
          decoder_kwargs=dict(n_heads=2, n_heads_cross=4, dff=32, activation='gelu', dropout_rate=0.0,
                              norm_first=True, causal=True),
          in_block_size=LS, out_block_size=LT, pos_enc_type='RoPE'),
     {'src': fl(B, LS, 5), 'tgt': ids(TV, B, LT), 'targets': targets(TV, B, LT)})

NC = 3
case('vit_dat_cls', 'model', 'VisionDualAttnTransformer',
     dict(model='VisionDualAttnTransformer', image_shape=[3, 8, 8], patch_size=[4, 4], num_classes=NC, d_model=D,
          n_layers=2, n_heads_sa=2, n_heads_ra=2, dff=32, dropout_rate=0.1, activation='gelu', norm_first=True,
          symbol_retrieval='position_relative', symbol_retrieval_kwargs=dict(symbol_dim=D, max_rel_pos=3),
          ra_kwargs=dict(use_relative_positional_symbols=True, n_kv_heads=1, symmetric_rels=True),
          sa_kwargs=dict(n_kv_heads=1), pool='cls'),
     {'images': fl(B, 3, 8, 8), 'targets': targets(NC, B)})
case('vit_dat_era1_mean', 'model', 'VisionDualAttnTransformer',
     dict(model='VisionDualAttnTransformer', code_era=1, image_shape=[3, 8, 4], patch_size=[4, 2], num_classes=NC,
          d_model=D, n_layers=1, n_heads_sa=1, n_heads_ra=1, dff=None, dropout_rate=0.1, activation='swiglu',
          norm_first=True, symbol_retrieval='positional_symbols',
          symbol_retrieval_kwargs=dict(symbol_dim=D, max_length=5),
          ra_kwargs=dict(symmetric_rels=True, n_relations=1), bias=False, pool='mean'),
     {'images': fl(B, 3, 4, 8), 'targets': targets(NC, B)})
case('vit_baseline_rope_mean', 'model', 'VisionTransformer',
     dict(model='VisionTransformer', image_shape=[2, 8, 8], patch_size=[4, 4], num_classes=NC, d_model=D, n_layers=2,
          n_heads=4, dff=32, dropout_rate=0.0, activation='relu', norm_first=False, use_rope=True, final_norm=False,
          attn_kwargs=dict(n_kv_heads=2), pool='mean'),
     {'images': fl(B, 2, 8, 8), 'targets': targets(NC, B)})


# ---------------------------------------------------------------------------------------- running

def build(c):
    if c['kind'] == 'model':
        return R.build_model(c['kwargs'])
    return getattr(R, c['cls'])(**c['kwargs'])


def randomize(module, g):
    """Replaces every parameter by fixed-seed random values (float32) of a well-conditioned scale."""
    norms = set()
    for m in module.modules():
        if isinstance(m, (torch.nn.LayerNorm, R.RMSNorm)):
            norms.update(id(p) for p in m.parameters())
    with torch.no_grad():
        for name, p in module.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if id(p) in norms and name.endswith('weight'):
                p.copy_(1.0 + 0.1 * noise)
            elif p.dim() >= 2:
                p.copy_(noise / (p.shape[-1] ** 0.5))
            else:
                p.copy_(0.1 * noise)


def make_inputs(c, g):
    out = {}
    for name, spec in c['inputs'].items():
        if spec[0] == 'float':
            out[name] = torch.randn(spec[1], generator=g)
        else:
            t = torch.randint(0, spec[2], spec[1], generator=g, dtype=torch.int64)
            if spec[0] == 'target':
                t.view(-1)[0] = -1  # one ignored position (ignore_index = -1)
            out[name] = t
    return out


def rope_for(module_kwargs, length):
    total = module_kwargs.get('total_n_heads') or (
        module_kwargs.get('n_heads_sa', 0) + module_kwargs.get('n_heads_ra', 0)) or module_kwargs['n_heads']
    return R.rope_tables(module_kwargs['d_model'] // total, length)


def forward(c, m, x):
    """Runs case c; returns (outputs dict, extra loss term or None)."""
    cls, call, kw = c['cls'], c['call'], c['kwargs']
    causal = call.get('causal', False)
    rope = rope_for(kw, x['x'].shape[1]) if call.get('rope') else None
    if cls == 'Attention':
        ctx = x.get('context', x['x'])
        y, probs = m(x['x'], ctx, ctx, rope=rope, causal=causal)
        return {'y': y, 'probs': probs}, None
    if cls == 'RelationalAttention':
        y, alpha, rel = m(x['x'], x['symbols'], rope=rope, causal=causal)
        return {'y': y, 'alpha': alpha, 'relations': rel}, None
    if cls in ('SymbolicAttention', 'PositionalSymbolRetriever', 'PositionRelativeSymbolRetriever',
               'FeedForwardBlock'):
        return {'y': m(x['x'])}, None
    if cls == 'DualAttention':
        return {'y': m(x['x'], x['symbols'], rope=rope, causal=causal)}, None
    if cls == 'DualAttnEncoderBlock':
        return {'y': m(x['x'], x['symbols'], rope=rope)}, None
    if cls == 'DualAttnDecoderBlock':
        return {'y': m(x['x'], x['context'], x['symbols'], rope=rope)}, None
    if cls == 'EncoderBlock':
        return {'y': m(x['x'], rope=rope)}, None
    if cls == 'DecoderBlock':
        return {'y': m(x['x'], x['context'], rope=rope)}, None
    if cls in ('DualAttnTransformerLM', 'TransformerLM'):
        logits = m(x['tokens'])
    elif cls in ('Seq2SeqDualAttnTransformer', 'Seq2SeqTransformer'):
        logits = m(x['src'], x['tgt'])
    else:
        logits = m(x['images'])
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x['targets'].reshape(-1), ignore_index=-1)
    return {'logits': logits, 'loss': ce.reshape(1)}, ce


def run_case(c, out_dir):
    g = torch.Generator().manual_seed(zlib.crc32(c['name'].encode()))
    m = build(c)
    randomize(m, g)
    m.eval()
    x32 = make_inputs(c, g)
    params32 = {n: p.detach().clone() for n, p in m.named_parameters()}
    m = m.double()
    x = {k: (v.double().requires_grad_() if v.is_floating_point() else v) for k, v in x32.items()}
    outputs, ce = forward(c, m, x)
    weights = {k: torch.randn(v.shape, generator=g) for k, v in outputs.items() if k in ('y', 'logits')}
    loss = sum((outputs[k] * w.double()).sum() for k, w in weights.items())
    if ce is not None:
        loss = loss + ce
    loss.backward()

    t = {}
    for n, p in params32.items():
        t['param/' + n] = p
    for n, p in m.named_parameters():
        if p.grad is not None:
            t['grad/param/' + n] = p.grad.float()
    for n, v in x32.items():
        t['input/' + n] = v.to(torch.int32) if not v.is_floating_point() else v
        if x[n].is_floating_point() and x[n].grad is not None:
            t['grad/input/' + n] = x[n].grad.float()
    for n, v in outputs.items():
        t['output/' + n] = v.detach().float()
    for n, w in weights.items():
        t['loss_weight/' + n] = w
    t = {k: v.contiguous().clone() for k, v in t.items()}
    save_file(t, os.path.join(out_dir, c['name'] + '.safetensors'))
    return dict(name=c['name'], kind=c['kind'], cls=c['cls'], kwargs=c['kwargs'], call=c['call'],
                inputs={k: v[0] for k, v in c['inputs'].items()}, loss=float(loss.detach()),
                param_names=list(params32), n_params=R.count_parameters(m))


# ---------------------------------------------------------------------------- spec §10 param counts

def count_configs():
    """The parameter-count configurations of spec §10 with the counts the spec gives for them."""
    out = []

    def add(name, expected, cfg):
        out.append(dict(name=name, expected=expected, config=cfg))

    def ts_t(d, layers):
        return dict(model='TransformerLM', code_era=1, vocab_size=32000, d_model=d, n_layers=layers, n_heads=8,
                    dff=None, dropout_rate=0.1, activation='swiglu', norm_first=True, max_block_size=512, bias=False,
                    pos_enc_type='RoPE')

    def ts_dat(d, layers, retrieval='symbolic_attention', symmetric=False):
        ra = dict(n_relations=4, symmetric_rels=symmetric)
        if retrieval == 'symbolic_attention':
            kw = dict(d_model=d, n_heads=4, n_symbols=512)
        else:
            kw = dict(symbol_dim=d, max_rel_pos=512)
            ra['use_relative_positional_symbols'] = True
        return dict(model='DualAttnTransformerLM', code_era=1, vocab_size=32000, d_model=d, n_layers=layers,
                    n_heads_sa=4, n_heads_ra=4, symbol_retrieval=retrieval, symbol_retrieval_kwargs=kw, dff=None,
                    dropout_rate=0.1, activation='swiglu', norm_first=True, max_block_size=512, ra_kwargs=ra,
                    bias=False, pos_enc_type='RoPE')

    add('tinystories_T_d64_L4', 4391168, ts_t(64, 4))
    add('tinystories_T_d64_L6', 4522752, ts_t(64, 6))
    add('tinystories_DAT_d64_L4_symattn_asym', 4488256, ts_dat(64, 4))
    add('tinystories_DAT_d64_L4_symattn_sym', 4471872, ts_dat(64, 4, symmetric=True))
    add('tinystories_DAT_d64_L4_posrel_asym', 4484160, ts_dat(64, 4, retrieval='position_relative'))
    add('tinystories_DAT_d128_L6_symattn_asym', 10103424, ts_dat(128, 6))
    add('tinystories_T_d128_L6', 9799936, ts_t(128, 6))

    def rg(d, dff, sa, ra):
        base = dict(code_era=1, image_shape=[3, 36, 36], patch_size=[12, 12], num_classes=2, d_model=d, n_layers=2,
                    dff=dff, dropout_rate=0.1, activation='swiglu', norm_first=True, bias=False, pool='mean')
        if ra == 0:
            return dict(base, model='VisionTransformer', n_heads=sa)
        return dict(base, model='VisionDualAttnTransformer', n_heads_sa=sa, n_heads_ra=ra,
                    symbol_retrieval='positional_symbols', symbol_retrieval_kwargs=dict(symbol_dim=d, max_length=10),
                    ra_kwargs=dict(symmetric_rels=True, n_relations=ra))

    add('relgames_T_d128', 386914, rg(128, 256, 2, 0))
    add('relgames_T_d144', 481250, rg(144, 288, 2, 0))
    add('relgames_DAT_1_1', 404706, rg(128, 256, 1, 1))
    add('relgames_DAT_0_2', 421474, rg(128, 256, 0, 2))

    def math_t(d, dff, layers):
        blk = dict(n_heads=8, dff=dff, activation='relu', dropout_rate=0.1, norm_first=False)
        return dict(model='Seq2SeqTransformer', input_spec=dict(type='token', vocab_size=85),
                    output_spec=dict(type='token', vocab_size=85), d_model=d, out_dim=85, n_layers_enc=layers,
                    n_layers_dec=layers, encoder_kwargs=dict(blk, causal=False),
                    decoder_kwargs=dict(blk, n_heads_cross=8, causal=True), in_block_size=161, out_block_size=32)

    def math_dat(era, layers, cfg):
        ra = dict(n_relations=4, use_relative_positional_symbols=True)
        blk = dict(dff=256, activation='relu', dropout_rate=0.1, norm_first=False)
        enc = dict(blk, n_heads_sa=4, n_heads_ra=4, ra_kwargs=ra, causal=False)
        dec = dict(blk, n_heads_sa=8 if cfg == 1 else 4, n_heads_ra=0 if cfg == 1 else 4, n_heads_cross=8,
                   ra_kwargs=ra, causal=True)
        return dict(model='Seq2SeqDualAttnTransformer', code_era=era, input_spec=dict(type='token', vocab_size=85),
                    output_spec=dict(type='token', vocab_size=85), symbol_retrieval='position_relative',
                    symbol_retrieval_kwargs=dict(symbol_dim=128, max_rel_pos=161), d_model=128, out_dim=85,
                    n_layers_enc=layers, n_layers_dec=layers, encoder_kwargs=enc, decoder_kwargs=dec,
                    in_block_size=161, out_block_size=32)

    add('math_T_d128_L2', 692949, math_t(128, 256, 2))
    add('math_T_d144_L2', 871717, math_t(144, 288, 2))
    add('math_T_d144_L3', 1289173, math_t(144, 288, 3))
    add('math_T_d144_L4', 1706629, math_t(144, 288, 4))
    add('math_DAT_cfg1_L2_era1', 783189, math_dat(1, 2, 1))
    add('math_DAT_cfg2_L2_era1', 832853, math_dat(1, 2, 2))
    add('math_DAT_cfg1_L3', 1088597, math_dat(2, 3, 1))
    add('math_DAT_cfg1_L4', 1426773, math_dat(2, 4, 1))
    add('math_DAT_cfg2_L3', 1113941, math_dat(2, 3, 2))
    add('math_DAT_cfg2_L4', 1460565, math_dat(2, 4, 2))

    def cifar(sa, ra, symmetric=True):
        base = dict(image_shape=[3, 32, 32], patch_size=[4, 4], num_classes=10, d_model=384, n_layers=8, dff=384,
                    dropout_rate=0.0, activation='gelu', norm_first=True, bias=True, pool='mean', final_norm=True)
        if ra == 0:
            return dict(base, model='VisionTransformer', n_heads=sa)
        return dict(base, model='VisionDualAttnTransformer', n_heads_sa=sa, n_heads_ra=ra,
                    symbol_retrieval='position_relative', symbol_retrieval_kwargs=dict(symbol_dim=384, max_rel_pos=65),
                    sa_kwargs=dict(n_kv_heads=3),
                    ra_kwargs=dict(n_relations=6, rel_proj_dim=32, symmetric_rels=symmetric, n_kv_heads=3,
                                   use_relative_positional_symbols=True))

    add('cifar10_ViT', 7149034, cifar(12, 0))
    add('cifar10_ViDAT_sym', 6025834, cifar(6, 6))
    add('cifar10_ViDAT_asym', 6615658, cifar(6, 6, symmetric=False))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    index, failures = [], []
    for c in CASES:
        try:
            index.append(run_case(c, args.out))
            print('ok  ', c['name'], flush=True)
        except Exception:  # keep going: report every failing case at once
            failures.append(dict(name=c['name'], error=traceback.format_exc()))
            print('FAIL', c['name'], traceback.format_exc(), flush=True)
    try:  # an exported checkpoint (tied + shared tensors) for the state-dict loading test
        from export_state_dict import export
        c = next(c for c in CASES if c['name'] == 'lm_dat_head')
        m = build(c)
        randomize(m, torch.Generator().manual_seed(zlib.crc32(c['name'].encode())))  # = the case's weights
        _, aliases = export(m, c['kwargs'], os.path.join(args.out, 'export_lm_dat_head'))
        print('exported lm_dat_head with aliases', aliases, flush=True)
    except Exception:
        failures.append(dict(name='export', error=traceback.format_exc()))
        print('FAIL export', traceback.format_exc(), flush=True)
    with open(os.path.join(args.out, 'index.json'), 'w') as f:
        json.dump(dict(generator='tools/reference/make_fixtures.py', torch=torch.__version__, cases=index), f,
                  indent=1)
    counts = []
    for entry in count_configs():
        try:
            n = R.count_parameters(R.build_model(entry['config']))
            entry['count'] = n
            print('count', entry['name'], n, 'expected', entry['expected'], 'OK' if n == entry['expected'] else 'MISMATCH',
                  flush=True)
        except Exception:
            entry['error'] = traceback.format_exc()
            failures.append(dict(name='count:' + entry['name'], error=entry['error']))
            print('FAIL count', entry['name'], entry['error'], flush=True)
        counts.append(entry)
    with open(os.path.join(args.out, 'param_counts.json'), 'w') as f:
        json.dump(dict(generator='tools/reference/make_fixtures.py', configs=counts), f, indent=1)
    if failures:
        with open(os.path.join(args.out, 'failures.json'), 'w') as f:
            json.dump(failures, f, indent=1)
    print(f'{len(index)} cases written, {len(failures)} failures', flush=True)


if __name__ == '__main__':
    main()
