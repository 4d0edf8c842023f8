"""Exports a PyTorch DAT checkpoint for dat4j: `<out>.safetensors` (weights) + `<out>.json` (config).

The weights keep the reference state-dict names (e.g. `layers.blocks.0.dual_attn.self_attention.wq.weight`).
Tensors that share storage (tied embeddings, a retriever shared by all layers, symmetric projections)
are written once under their first name; the other names are listed in the safetensors metadata
entry "aliases" ({alias: kept name}), which dat4j also accepts when it loads. Buffers that dat4j
recomputes (sinusoidal tables `*.pe`, RoPE tables) are dropped.

The config is the model's keyword arguments as JSON plus "model" (the reference class name) and
"code_era" (1 = May-2024 code, 2 = current code; see dat4j's config documentation).

Usage:
  python3 export_state_dict.py --checkpoint model.pt --config config.json --out out/model [--strip-prefix model.]
  (a checkpoint is a saved state dict, or a dict holding one under "state_dict" / "model")
or from Python:  export(model_or_state_dict, config_dict, 'out/model')
"""
import argparse
import json
import os

import torch
from safetensors.torch import save_file

RECOMPUTED_BUFFER_SUFFIXES = ('.pe', 'freqs_cos', 'freqs_sin')


def _storage_key(t):
    return (t.untyped_storage().data_ptr(), t.storage_offset(), tuple(t.shape), tuple(t.stride()))


def dedupe(state_dict):
    """Returns (tensors, aliases): one entry per distinct tensor, in state-dict order."""
    kept, aliases, seen = {}, {}, {}
    for name, t in state_dict.items():
        if name.endswith(RECOMPUTED_BUFFER_SUFFIXES):
            continue
        key = _storage_key(t)
        if key in seen:
            aliases[name] = seen[key]
            continue
        seen[key] = name
        kept[name] = t.detach().to(torch.float32).contiguous().clone() if t.is_floating_point() else t.contiguous()
    return kept, aliases


def export(model_or_state_dict, config, out_prefix):
    sd = model_or_state_dict.state_dict() if hasattr(model_or_state_dict, 'state_dict') else model_or_state_dict
    tensors, aliases = dedupe(sd)
    if 'model' not in config:
        raise ValueError('config needs "model": the reference class name, e.g. "DualAttnTransformerLM"')
    os.makedirs(os.path.dirname(os.path.abspath(out_prefix)), exist_ok=True)
    save_file(tensors, out_prefix + '.safetensors',
              metadata={'format': 'pt', 'aliases': json.dumps(aliases), 'config': json.dumps(config)})
    with open(out_prefix + '.json', 'w') as f:
        json.dump(config, f, indent=2)
    return tensors, aliases


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--checkpoint', required=True)
    ap.add_argument('--config', required=True, help='JSON file with the model keyword arguments and "model"')
    ap.add_argument('--out', required=True, help='output path without extension')
    ap.add_argument('--strip-prefix', default='', help='prefix to remove from every key (e.g. "model.")')
    args = ap.parse_args()
    ckpt = torch.load(args.checkpoint, map_location='cpu', weights_only=True)
    for key in ('state_dict', 'model'):
        if isinstance(ckpt, dict) and isinstance(ckpt.get(key), dict):
            ckpt = ckpt[key]
    if args.strip_prefix:
        ckpt = {k[len(args.strip_prefix):] if k.startswith(args.strip_prefix) else k: v for k, v in ckpt.items()}
    with open(args.config) as f:
        config = json.load(f)
    tensors, aliases = export(ckpt, config, args.out)
    print(f'wrote {args.out}.safetensors ({len(tensors)} tensors, {len(aliases)} aliases) and {args.out}.json')


if __name__ == '__main__':
    main()
