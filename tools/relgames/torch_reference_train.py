"""Train the PyTorch reference model (tools/reference/dat_reference.py) under the DAT paper's
Relational Games protocol, as a cross-check of `dat4j relgames train` on the same data files.

Protocol (dat-spec §8.1): train_size + 5,000 + 10,000 rows drawn from the pool with replacement
(numpy), the first train_size are the training set and the last 10,000 the test set; Adam lr 1e-3,
betas (0.9, 0.99), batch 512, shuffle, 50 epochs, fp32; evaluate the final model in eval mode.
The model config is the one dat4j writes (`model_config` in a run's config.json), or built here.

    python3 tools/relgames/torch_reference_train.py --pool runs/relgames-data/xoccurs_pentos_n250000_seed0.npz \
        --ood runs/relgames-data/xoccurs_hexos_n10000_seed1.npz runs/relgames-data/xoccurs_stripes_n10000_seed2.npz \
        --model dat02 --train-size 2500 --seed 0 --threads 1

Prints one line per 10 epochs and a final JSON line.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'reference'))
from dat_reference import build_model, count_parameters  # noqa: E402


def config(name):
    """The era-1 relational-games configs (same as dat4j's RelgamesModel)."""
    base = dict(code_era=1, image_shape=[3, 36, 36], patch_size=[12, 12], num_classes=2, d_model=128, n_layers=2,
                dff=256, dropout_rate=0.1, activation='swiglu', norm_first=True, bias=False, pool='mean')
    if name == 'transformer':
        return dict(base, model='VisionTransformer', n_heads=2)
    sa, ra = int(name[3]), int(name[4])
    return dict(base, model='VisionDualAttnTransformer', n_heads_sa=sa, n_heads_ra=ra,
                symbol_retrieval='positional_symbols', symbol_retrieval_kwargs=dict(symbol_dim=128, max_length=10),
                ra_kwargs=dict(symmetric_rels=True, n_relations=ra))


def load(path):
    with np.load(path) as f:
        images = f['images'].astype(np.uint8)
        labels = f['labels'].reshape(-1).astype(np.int64)
    return images, labels


def to_tensor(images):
    return torch.from_numpy(images).permute(0, 3, 1, 2).float().div_(255.0)


@torch.no_grad()
def accuracy(model, x, y, batch=512):
    model.eval()
    correct = 0
    for i in range(0, len(y), batch):
        correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(y)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--pool', required=True)
    p.add_argument('--ood', nargs='*', default=[])
    p.add_argument('--model', required=True, help='transformer, dat11 or dat02')
    p.add_argument('--train-size', type=int, required=True)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--epochs', type=int, default=50)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    images, labels = load(a.pool)
    rng = np.random.default_rng(a.seed)
    idx = rng.choice(len(labels), a.train_size + 5000 + 10000, replace=True)
    train_idx, test_idx = idx[:a.train_size], idx[-10000:]
    xtr, ytr = to_tensor(images[train_idx]), torch.from_numpy(labels[train_idx])
    xte, yte = to_tensor(images[test_idx]), torch.from_numpy(labels[test_idx])
    del images

    model = build_model(config(a.model))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99))
    loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.time()
    for epoch in range(a.epochs):
        model.train()
        perm = torch.randperm(a.train_size)
        loss_sum, correct = 0.0, 0
        for i in range(0, a.train_size, 512):
            b = perm[i:i + 512]
            logits = model(xtr[b])
            loss = loss_fn(logits, ytr[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(b)
            correct += (logits.argmax(1) == ytr[b]).sum().item()
        if (epoch + 1) % 10 == 0 or epoch == 0:
            print(f'epoch {epoch + 1}/{a.epochs} loss {loss_sum / a.train_size:.4f} '
                  f'train acc {correct / a.train_size:.4f} {time.time() - t0:.0f}s', flush=True)
    out = dict(model=a.model, train_size=a.train_size, seed=a.seed, params=count_parameters(model),
               train_seconds=round(time.time() - t0, 1), test_acc=accuracy(model, xte, yte))
    for f in a.ood:
        im, lb = load(f)
        name = 'hexos' if 'hexos' in f else 'stripes' if 'stripes' in f else os.path.basename(f)
        out[name + '_acc'] = accuracy(model, to_tensor(im), torch.from_numpy(lb))
    print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
