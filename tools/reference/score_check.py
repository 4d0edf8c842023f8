"""Fixtures for `dat4j lm score` and `dat4j vision score`: small models of the public reference code
(Awni00/abstract_transformer), trained for a few steps so the weights are not at their init, saved with
their eval-mode loss on a small data set.

The reference code is not part of this repository: pass a checkout with --reference-dir. For each model
this writes to --out:
  lm.safetensors, lm.json, tokens.txt           DualAttnTransformerLM (era 2 = reference HEAD), RoPE,
                                                symbolic attention, dropout 0.1 while training
  vision.safetensors, vision.json, X.npy, Y.npy VisionDualAttnTransformer, non-square images and patches,
                                                position-relative symbols, mean pooling
  expected.json                                 the reference's eval-mode loss (and accuracy) on that data

Weights are written by export_state_dict.export (safetensors.torch.save_file; tensors shared by several
names are stored once and the other names listed as aliases). The Java tests (apps: ScoreCommandTest)
run the two commands on these files and require agreement to 1e-4 relative.

Usage:
  python3 score_check.py --reference-dir /tmp/abstract_transformer --out ../../apps/src/test/resources/score
  python3 score_check.py --reference-dir ... --out DIR --check-java 'path/to/dat4j'   # also runs the CLI and compares
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_state_dict import export  # noqa: E402

LM_CONFIG = dict(
    vocab_size=61, d_model=32, n_layers=2, n_heads_sa=2, n_heads_ra=2,
    symbol_retrieval='symbolic_attention', symbol_retrieval_kwargs=dict(d_model=32, n_heads=2, n_symbols=16),
    dff=None, dropout_rate=0.1, activation='swiglu', norm_first=True, max_block_size=24,
    sa_kwargs={}, ra_kwargs=dict(n_relations=2, rel_activation='identity', symmetric_rels=False),
    pos_enc_type='RoPE', bias=False)
LM_SEQUENCES, LM_LENGTH = 12, 20  # tokens.txt: 12 lines of 21 ids

VISION_CONFIG = dict(
    image_shape=[3, 8, 12], patch_size=[4, 3], num_classes=5, d_model=32, n_layers=2, n_heads_sa=2, n_heads_ra=2,
    dff=48, dropout_rate=0.1, activation='gelu', norm_first=True,
    symbol_retrieval='position_relative', symbol_retrieval_kwargs=dict(symbol_dim=32, max_rel_pos=9),
    ra_kwargs=dict(n_relations=2, symmetric_rels=True, use_relative_positional_symbols=True), sa_kwargs={},
    bias=True, pool='mean')
VISION_IMAGES = 14  # (N, C, H, W) = (14, 3, 12, 8)

TRAIN_STEPS = 6


def train(model, batch_loss, steps, lr):
    """A few AdamW steps in training mode (dropout on), so the weights move away from their init."""
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1)
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        loss = batch_loss()
        loss.backward()
        opt.step()
    return loss.item()


def make_lm(ref_dir, out, g):
    from language_models import DualAttnTransformerLM
    torch.manual_seed(1)
    model = DualAttnTransformerLM(**LM_CONFIG)
    v, t = LM_CONFIG['vocab_size'], LM_LENGTH
    train_x = torch.randint(0, v, (8, t + 1), generator=g)
    train(model, lambda: model(train_x[:, :-1], train_x[:, 1:])[1], TRAIN_STEPS, 1e-2)

    data = torch.randint(0, v, (LM_SEQUENCES, t + 1), generator=g)
    model.eval()
    with torch.no_grad():
        logits, loss = model(data[:, :-1], data[:, 1:])
        loss64 = F.cross_entropy(logits.double().reshape(-1, v), data[:, 1:].reshape(-1)).item()
    export(model, dict(model='DualAttnTransformerLM', code_era=2, **LM_CONFIG), os.path.join(out, 'lm'))
    with open(os.path.join(out, 'tokens.txt'), 'w') as f:
        for row in data.tolist():
            f.write(' '.join(map(str, row)) + '\n')
    return dict(loss=loss.item(), loss_f64_logits=loss64, tokens=LM_SEQUENCES * t)


def make_vision(ref_dir, out, g):
    from vision_models import VisionDualAttnTransformer
    torch.manual_seed(2)
    model = VisionDualAttnTransformer(**VISION_CONFIG)
    c, w, h = VISION_CONFIG['image_shape']
    k = VISION_CONFIG['num_classes']
    train_x = torch.randn(10, c, h, w, generator=g)
    train_y = torch.randint(0, k, (10,), generator=g)
    train(model, lambda: F.cross_entropy(model(train_x), train_y), TRAIN_STEPS, 1e-2)

    x = torch.randn(VISION_IMAGES, c, h, w, generator=g)
    y = torch.randint(0, k, (VISION_IMAGES,), generator=g)
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(-1) == y).double().mean().item()
    export(model, dict(model='VisionDualAttnTransformer', code_era=2, **VISION_CONFIG), os.path.join(out, 'vision'))
    np.save(os.path.join(out, 'X.npy'), x.numpy().astype(np.float32))
    np.save(os.path.join(out, 'Y.npy'), y.numpy().astype(np.int64))
    return dict(loss=loss, accuracy=accuracy, images=VISION_IMAGES)


def run_java(dat4j, args):
    """Runs the CLI and returns its last stdout line as JSON."""
    r = subprocess.run([dat4j, *args], capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--reference-dir', required=True, help='checkout of Awni00/abstract_transformer')
    ap.add_argument('--out', required=True)
    ap.add_argument('--check-java', metavar='DAT4J', help='the dat4j launcher: run both commands and compare')
    a = ap.parse_args()
    sys.path.insert(0, a.reference_dir)
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    expected = dict(torch=torch.__version__, lm=make_lm(a.reference_dir, a.out, g),
                    vision=make_vision(a.reference_dir, a.out, g))
    with open(os.path.join(a.out, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=2)
    print(json.dumps(expected))

    if a.check_java:
        o = a.out
        lm = run_java(a.check_java, ['lm', 'score', '--config', f'{o}/lm.json', '--weights', f'{o}/lm.safetensors',
                                     '--tokens', f'{o}/tokens.txt'])
        vi = run_java(a.check_java, ['vision', 'score', '--config', f'{o}/vision.json', '--weights',
                                     f'{o}/vision.safetensors', '--images', f'{o}/X.npy', '--labels', f'{o}/Y.npy'])
        ok = True
        for name, got, want in [('lm loss', lm['loss'], expected['lm']['loss']),
                                ('vision loss', vi['loss'], expected['vision']['loss']),
                                ('vision accuracy', vi['accuracy'], expected['vision']['accuracy'])]:
            rel = abs(got - want) / max(abs(want), 1e-12)
            ok &= rel <= 1e-4
            print(f'{name}: dat4j {got:.8f}  reference {want:.8f}  relative difference {rel:.2e}')
        sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
