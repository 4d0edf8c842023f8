#!/usr/bin/env bash
# LM training step (forward, backward, AdamW) on CPU: dat4j (`./dat4j bench train-step`) against the
# PyTorch reference code (bench/torch_train_step.py) on the same configuration, side by side in one
# sitting. Prints a table with tokens/s of both and the ratio dat4j / PyTorch.
#
#   bench/train_step_vs_torch.sh --reference-dir /tmp/abstract_transformer
#   ... --steps 5 --warmup 5 --threads 2     (defaults; the JIT needs a few warm-up steps)
#   ... --rounds 2                           alternate the two sides twice per configuration, keep the best median
#   ... --record [--note TEXT]               also append each run's JSON line to bench/results/history.jsonl
#
# Configurations: the reference configuration of docs/BENCHMARKS.md — d=64, 4 layers, seq 256,
# batch 16, vocab 4096, SwiGLU (dff=None), RoPE, dropout 0, bias False — as DAT (sa,ra)=(4,4) with
# symbolic attention (512 symbols, 4 heads) and as the Transformer (8,0). Both sides build the same
# model (the script checks that the parameter counts agree) and report the median step.
# The reference code is not part of this repository: clone github.com/Awni00/abstract_transformer.
# The JVM runs with DAT4J_JAVA_OPTS (default -Xmx512m: the step's tensors are off-heap, and an
# uncapped young generation only inflates the peak RSS).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

ref=""
steps=5
warmup=5
threads=2
rounds=1
record=0
note=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reference-dir) ref="$2"; shift ;;
    --steps) steps="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --record) record=1 ;;
    --note) note="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "train_step_vs_torch.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$ref" ] || [ ! -f "$ref/language_models.py" ]; then
  echo "train_step_vs_torch.sh: pass --reference-dir DIR, a checkout of github.com/Awni00/abstract_transformer" >&2
  exit 2
fi

common="--d-model 64 --layers 4 --seq 256 --batch 16 --vocab 4096 --steps $steps --warmup $warmup --threads $threads"
configs=("dat --sa 4 --ra 4" "transformer --sa 8 --ra 0")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

./dat4j info >/dev/null 2>&1 || true # builds the CLI jar first if sources changed, outside the timings
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for i in "${!configs[@]}"; do
  for r in $(seq 1 "$rounds"); do
    echo "== ${configs[$i]} (round $r/$rounds): PyTorch" >&2
    # shellcheck disable=SC2086
    python3 bench/torch_train_step.py --reference-dir "$ref" --model ${configs[$i]} $common | tail -1 >> "$out/torch$i"
    echo "== ${configs[$i]} (round $r/$rounds): dat4j" >&2
    # shellcheck disable=SC2086
    DAT4J_JAVA_OPTS="${DAT4J_JAVA_OPTS:--Xmx512m}" ./dat4j bench train-step --model ${configs[$i]} $common | tail -1 >> "$out/java$i"
  done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" "${#configs[@]}" "$record" "$load_before" "$load_after" "$note" <<'EOF'
import json, os, subprocess, sys, datetime
out, n, record, load_before, load_after, note = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4], sys.argv[5], sys.argv[6]
def runs(name):
    with open(os.path.join(out, name)) as f:
        return [json.loads(line) for line in f if line.strip()]
print(f"{'model':<18}{'params':>9}{'torch tok/s':>13}{'dat4j tok/s':>13}{'ratio':>7}"
      f"{'torch ms':>10}{'dat4j ms':>10}{'torch CPU ms':>14}{'dat4j CPU ms':>14}{'torch RSS MB':>14}{'dat4j RSS MB':>14}")
rows = []
for i in range(n):
    t = max(runs(f"torch{i}"), key=lambda r: r["tokens_per_s"])
    j = max(runs(f"java{i}"), key=lambda r: r["tokens_per_s"])
    if t["params"] != j["params"]:
        print(f"parameter counts differ: torch {t['params']}, dat4j {j['params']}", file=sys.stderr)
        sys.exit(1)
    name = f"{j['model']} ({j['sa']},{j['ra']})"
    ratio = j["tokens_per_s"] / t["tokens_per_s"]
    print(f"{name:<18}{j['params']:>9}{t['tokens_per_s']:>13.0f}{j['tokens_per_s']:>13.0f}{ratio:>7.2f}"
          f"{t['step_ms']:>10.0f}{j['step_ms']:>10.0f}{t['cpu_ms']:>14.0f}{j['cpu_ms']:>14.0f}"
          f"{t['peak_rss_mb']:>14.0f}{j['peak_rss_mb']:>14.0f}")
    rows += [t, j]
print(f"load average before: {load_before}, after: {load_after} (2-core machine; numbers are noisy when busy;")
print("CPU ms = process CPU time per step, all threads: less sensitive to other load than wall time)")
if record:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    machine = f"{os.cpu_count()}-core {cpu}, shared"
    jdk = subprocess.run(["bash", "-c", "./dat4j --version 2>/dev/null | tail -1"], capture_output=True, text=True).stdout.strip()
    with open("bench/results/history.jsonl", "a") as f:
        for r in rows:
            if r["impl"] == "dat4j":
                r = {**r, "jdk": jdk}
            line = {"date": datetime.date.today().isoformat(), "commit": commit, "benchmark": "train_step_vs_torch",
                    "machine": machine, "load_before": load_before, "load_after": load_after, **r}
            if note:
                line["note"] = note
            f.write(json.dumps(line, separators=(",", ":")) + "\n")
    print(f"appended {len(rows)} lines to bench/results/history.jsonl")
EOF
