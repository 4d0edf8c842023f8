#!/usr/bin/env python3
"""PyTorch side of `dat4j bench train-step`: full LM training steps (forward, backward, AdamW) of the
public reference implementation (github.com/Awni00/abstract_transformer) on random tokens.

The reference code is not part of this repository: pass a checkout of it with --reference-dir.
Prints progress, then one JSON line with tokens_per_s, step_ms, cpu_ms, params, peak_rss_mb (same keys
as the Java command) so the two can be put side by side.

Example (reference configuration of docs/BENCHMARKS.md):
  python3 bench/torch_train_step.py --reference-dir /path/to/abstract_transformer \
      --model dat --d-model 64 --layers 4 --sa 4 --ra 4 --seq 256 --batch 16 --vocab 4096 --threads 2
"""
import argparse
import json
import resource
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reference-dir", required=True, help="checkout of Awni00/abstract_transformer")
    p.add_argument("--model", choices=["dat", "transformer"], default="dat")
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--sa", type=int, default=4)
    p.add_argument("--ra", type=int, default=4)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--vocab", type=int, default=4096)
    p.add_argument("--symbol-retrieval", default="symbolic_attention",
                   choices=["symbolic_attention", "positional_symbols", "position_relative"])
    p.add_argument("--symbols", type=int, default=512, help="symbols of symbolic attention")
    p.add_argument("--symbol-heads", type=int, default=4, help="heads of symbolic attention")
    p.add_argument("--activation", default="swiglu", help="FFN activation (swiglu, gelu, ...)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--device", default="cpu")
    p.add_argument("--dtype", default="f32", choices=["f32", "bf16"], help="bf16 = autocast (GPU runs)")
    p.add_argument("--tf32", action="store_true", help="allow TF32 tensor cores for f32 matmuls (GPU runs)")
    a = p.parse_args()

    import torch
    sys.path.insert(0, a.reference_dir)
    from language_models import DualAttnTransformerLM, TransformerLM

    torch.set_num_threads(a.threads)
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.manual_seed(0)
    d, h = a.d_model, a.sa + a.ra
    common = dict(vocab_size=a.vocab, d_model=d, n_layers=a.layers, dff=None, dropout_rate=0.0,
                  activation=a.activation, norm_first=True, max_block_size=a.seq, pos_enc_type="RoPE", bias=False)
    if a.model == "transformer":
        model = TransformerLM(n_heads=h, **common)
    else:
        if a.symbol_retrieval == "symbolic_attention":
            sr_kwargs = dict(d_model=d, n_heads=a.symbol_heads, n_symbols=a.symbols)
        elif a.symbol_retrieval == "positional_symbols":
            sr_kwargs = dict(symbol_dim=d, max_length=a.seq)
        else:
            sr_kwargs = dict(symbol_dim=d, max_rel_pos=a.seq)
        ra_kwargs = dict(n_relations=a.ra, rel_activation="identity", rel_proj_dim=d // h, symmetric_rels=False)
        if a.symbol_retrieval == "position_relative":  # (L, L, d) symbols need the relative-symbol path of RA
            ra_kwargs["use_relative_positional_symbols"] = True
        model = DualAttnTransformerLM(n_heads_sa=a.sa, n_heads_ra=a.ra, symbol_retrieval=a.symbol_retrieval,
                                      symbol_retrieval_kwargs=sr_kwargs, ra_kwargs=ra_kwargs, sa_kwargs={}, **common)
    model.to(a.device).train()
    params = sum(t.numel() for t in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, a.vocab, (a.batch, a.seq), generator=g).to(a.device)
    y = torch.randint(0, a.vocab, (a.batch, a.seq), generator=g).to(a.device)

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device_type=a.device.split(":")[0], dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
            logits, loss = model(x, y)
        loss.backward()
        opt.step()
        return loss.item()

    print(f"torch {torch.__version__}, {a.model} ({a.sa},{a.ra}) d={d} L={a.layers}, {params} params, "
          f"{torch.get_num_threads()} threads", file=sys.stderr)
    for _ in range(a.warmup):
        step()
    if a.device.startswith("cuda"):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    times, cpu = [], []
    for i in range(a.steps):
        t0, c0 = time.perf_counter(), time.process_time()
        loss = step()
        if a.device.startswith("cuda"):
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        print(f"step {i + 1}/{a.steps}: loss {loss:.4f}, {times[-1] * 1e3:.1f} ms (process CPU {cpu[-1] * 1e3:.1f} ms)",
              file=sys.stderr)
    times.sort()
    cpu.sort()
    med = times[len(times) // 2]
    out = {"impl": "pytorch-reference", "torch": torch.__version__, "model": a.model, "sa": a.sa, "ra": a.ra,
           "d_model": d, "layers": a.layers, "seq": a.seq, "batch": a.batch, "vocab": a.vocab,
           "threads": a.threads, "activation": a.activation, "device": a.device, "dtype": a.dtype,
           "tf32": torch.backends.cuda.matmul.allow_tf32, "params": params, "step_ms": round(med * 1e3, 2),
           "tokens_per_s": round(a.batch * a.seq / med, 1), "cpu_ms": round(cpu[len(cpu) // 2] * 1e3, 2),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if a.device.startswith("cuda"):
        out["peak_device_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
