"""Cross-checks the golden fixtures against the public reference code (Awni00/abstract_transformer).

dat_reference.py was written from the spec; this script loads each fixture's weights *by name* into the
upstream class built with the same keyword arguments and compares the outputs. It checks both our
parameter names and our math. The upstream sources are not part of this repository: pass a directory
holding the upstream .py files of one code era (e.g. `git show <commit>:attention.py > DIR/attention.py`).

Usage: python3 crosscheck_upstream.py --upstream DIR --golden DIR --era 2   (prints one line per case)
"""
import argparse
import importlib
import inspect
import json
import math
import os
import sys
import types

import torch
from safetensors.torch import load_file

# Names that differ only because the upstream ties modules by attribute assignment (spec §7.1, §7.2):
# `token_embedder.weights = final_out` registers final_out under the embedder first.
ALIASES = [('layers.token_embedder.weights.', 'layers.final_out.'),
           ('layers.target_embedder.weights.', 'layers.final_out.')]

MODULE_FILES = {
    'Attention': 'attention', 'RelationalAttention': 'relational_attention',
    'SymbolicAttention': 'symbol_retrieval', 'PositionalSymbolRetriever': 'symbol_retrieval',
    'PositionRelativeSymbolRetriever': 'symbol_retrieval', 'DualAttention': 'dual_attention',
    'FeedForwardBlock': 'transformer_blocks', 'EncoderBlock': 'transformer_blocks',
    'DecoderBlock': 'transformer_blocks', 'DualAttnEncoderBlock': 'dual_attn_blocks',
    'DualAttnDecoderBlock': 'dual_attn_blocks', 'DualAttnTransformerLM': 'language_models',
    'TransformerLM': 'language_models', 'Seq2SeqDualAttnTransformer': 'seq2seq_models',
    'Seq2SeqTransformer': 'seq2seq_models', 'VisionDualAttnTransformer': 'vision_models',
    'VisionTransformer': 'vision_models',
}


def install_einops_shim():
    """A minimal stand-in for the einops calls the upstream code makes, used only if einops is absent."""

    def parse(side):
        groups, cur = [], None
        for tok in side.replace('(', ' ( ').replace(')', ' ) ').split():
            if tok == '(':
                cur = []
            elif tok == ')':
                groups.append(cur)
                cur = None
            elif cur is not None:
                cur.append(tok)
            else:
                groups.append([tok])
        return groups

    def rearrange(t, pattern, **sizes):
        lhs, rhs = (parse(s) for s in pattern.split('->'))
        sizes = dict(sizes)
        for group, n in zip(lhs, t.shape):
            unknown = [a for a in group if a not in sizes]
            known = math.prod(sizes[a] for a in group if a in sizes)
            if len(unknown) == 1:
                sizes[unknown[0]] = n // known
        flat = [a for g in lhs for a in g]
        t = t.reshape([sizes[a] for a in flat])
        order = [a for g in rhs for a in g]
        t = t.permute([flat.index(a) for a in order])
        return t.reshape([math.prod(sizes[a] for a in g) for g in rhs])

    def repeat(t, pattern, **sizes):
        assert pattern.replace(' ', '') == '11d->b1d', pattern
        return t.expand(sizes['b'], *t.shape[1:])

    class Rearrange(torch.nn.Module):
        def __init__(self, pattern, **sizes):
            super().__init__()
            self.pattern, self.sizes = pattern, sizes

        def forward(self, x):
            return rearrange(x, self.pattern, **self.sizes)

    einops = types.ModuleType('einops')
    einops.rearrange, einops.repeat = rearrange, repeat
    layers = types.ModuleType('einops.layers')
    layers_torch = types.ModuleType('einops.layers.torch')
    layers_torch.Rearrange = Rearrange
    einops.layers = layers
    layers.torch = layers_torch
    sys.modules.update({'einops': einops, 'einops.layers': layers, 'einops.layers.torch': layers_torch})


def upstream_class(name):
    return getattr(importlib.import_module(MODULE_FILES[name]), name)


def build(cls, kwargs):
    """Builds the upstream object; returns (object, None) or (None, reason to skip)."""
    kwargs = {k: v for k, v in kwargs.items() if k not in ('code_era', 'model')}
    params = inspect.signature(cls.__init__).parameters
    unknown = [k for k in kwargs if k not in params]
    if unknown:
        return None, f'upstream {cls.__name__} has no argument(s) {unknown}'
    return cls(**kwargs), None


def load_weights(m, tensors):
    """Copies param/<name> into the upstream parameters; returns names that did not match either way."""
    golden = {k[len('param/'):]: v for k, v in tensors.items() if k.startswith('param/')}
    missing, used = [], set()
    with torch.no_grad():
        for name, p in m.named_parameters():
            key = name
            for a, b in ALIASES:
                if key.startswith(a):
                    key = b + key[len(a):]
            if key not in golden:
                missing.append(name)
                continue
            used.add(key)
            p.copy_(golden[key].to(p.dtype))
    return missing, sorted(set(golden) - used)


def run(cls, m, x, call, kwargs):
    causal = call.get('causal', False)
    fc = fs = None
    if call.get('rope'):
        total = kwargs.get('total_n_heads') or (kwargs.get('n_heads_sa', 0) + kwargs.get('n_heads_ra', 0)) \
            or kwargs['n_heads']
        L = x['x'].shape[1]
        k = torch.arange(0, kwargs['d_model'] // total, 2).float()
        freqs = 1.0 / (10000.0 ** (k / (kwargs['d_model'] // total)))
        ang = torch.outer(torch.arange(L).float(), freqs)
        fc, fs = torch.cos(ang), torch.sin(ang)
    if cls == 'Attention':
        ctx = x.get('context', x['x'])
        return m(x['x'], ctx, ctx, freqs_cos=fc, freqs_sin=fs, is_causal=causal)[0]
    if cls == 'RelationalAttention':
        return m(x['x'], x['symbols'], freqs_cos=fc, freqs_sin=fs, is_causal=causal)[0]
    if cls in ('SymbolicAttention', 'PositionalSymbolRetriever', 'PositionRelativeSymbolRetriever',
               'FeedForwardBlock'):
        return m(x['x'])
    if cls == 'DualAttention':
        return m(x['x'], x['symbols'], is_causal=causal, freqs_cos=fc, freqs_sin=fs)[0]
    if cls == 'DualAttnEncoderBlock':
        return m(x['x'], x['symbols'], freqs_cos=fc, freqs_sin=fs)
    if cls == 'DualAttnDecoderBlock':
        return m(x['x'], x['context'], x['symbols'], freqs_cos=fc, freqs_sin=fs)
    if cls == 'EncoderBlock':
        return m(x['x'], freqs_cos=fc, freqs_sin=fs)
    if cls == 'DecoderBlock':
        return m(x['x'], x['context'], freqs_cos=fc, freqs_sin=fs)
    if cls in ('DualAttnTransformerLM', 'TransformerLM'):
        return m(x['tokens'], x['targets'])[0]
    if cls in ('Seq2SeqDualAttnTransformer', 'Seq2SeqTransformer'):
        return m(x['src'], x['tgt'], x['targets'])[0]
    return m(x['images'])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--upstream', required=True)
    ap.add_argument('--golden', required=True)
    ap.add_argument('--era', type=int, required=True)
    args = ap.parse_args()
    try:
        import einops  # noqa: F401
    except ImportError:
        install_einops_shim()
        print('einops not installed: using the minimal shim')
    sys.path.insert(0, os.path.abspath(args.upstream))
    with open(os.path.join(args.golden, 'index.json')) as f:
        cases = json.load(f)['cases']
    worst = 0.0
    for c in cases:
        era = c['kwargs'].get('code_era', 2)
        if era != args.era:
            continue
        try:
            m, why = build(upstream_class(c['cls']), c['kwargs'])
            if m is None:
                print(f"SKIP {c['name']}: {why}")
                continue
            tensors = load_file(os.path.join(args.golden, c['name'] + '.safetensors'))
            m = m.double().eval()
            missing, unused = load_weights(m, tensors)
            x = {k[len('input/'):]: v for k, v in tensors.items() if k.startswith('input/')}
            x = {k: (v.double() if v.is_floating_point() else v.long()) for k, v in x.items()}
            with torch.no_grad():
                y = run(c['cls'], m, x, c['call'], c['kwargs'])
            ref = tensors['output/y' if 'output/y' in tensors else 'output/logits'].double()
            err = ((y - ref).abs().max() / ref.abs().max()).item()
            worst = max(worst, err)
            status = 'OK  ' if err < 1e-5 and not missing and not unused else 'DIFF'
            print(f"{status} {c['name']}: rel err {err:.2e}; upstream names not in fixture {missing}; "
                  f"fixture names not upstream {unused}")
        except Exception as e:  # report and continue
            print(f"ERR  {c['name']}: {type(e).__name__}: {e}")
    print(f'worst relative error {worst:.2e}')


if __name__ == '__main__':
    main()
