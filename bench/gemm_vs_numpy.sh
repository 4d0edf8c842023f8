#!/usr/bin/env bash
# f32 GEMM: dat4j (`./dat4j bench gemm`, Vector API) against numpy/OpenBLAS on the same shapes,
# 1 and 2 threads, side by side in one run. Prints a table with the ratio Java/OpenBLAS.
#
#   bench/gemm_vs_numpy.sh                 # all shapes, 1 and 2 threads (about 2 minutes)
#   bench/gemm_vs_numpy.sh --quick         # 1024³ only
#   bench/gemm_vs_numpy.sh --threads 1     # one thread count
#   bench/gemm_vs_numpy.sh --record        # also append a JSON line to bench/results/history.jsonl
#   DAT4J_JAVA_OPTS=-XX:MaxVectorSize=32 bench/gemm_vs_numpy.sh --openblas-core Haswell
#                                          # 256-bit species against OpenBLAS's 256-bit kernel
#
# Both sides time the same number of calls after a warm-up of roughly 0.2 s and report the median
# (and the best) call; GFLOP/s = 2·m·n·k·batch / time. Shapes run Java then numpy back to back, so
# both see the same machine load. Needs python3 with numpy; threadpoolctl is used if importable.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

threads_list="1 2"
quick=0
record=0
coretype=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --record) record=1 ;;
    --threads) threads_list="$2"; shift ;;
    --openblas-core) coretype="$2"; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "gemm_vs_numpy.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

# Shapes: "m n k batch trans" (trans: NN, NT = B stored transposed, TN = A stored transposed).
if [ "$quick" = 1 ]; then
  shapes=("1024 1024 1024 1 NN")
else
  shapes=(
    "1024 1024 1024 1 NN"
    "4096 64 64 1 NN"
    "4096 64 256 1 NN"
    "4096 256 64 1 NN"
    "4096 64 4096 1 NN"
    "256 256 16 64 NN"
    "256 16 256 64 NN"
    "4096 64 256 1 NT"
    "64 256 4096 1 TN"
    "1024 1024 1024 1 NT"
    "1024 1024 1024 1 TN"
  )
fi

# Calls to time for a shape: ~0.2 s of warm-up and ~0.3 s of timed calls at ~100 GFLOP/s.
calls() { # flops seconds min max
  python3 -c "import math; print(max($3, min($4, math.ceil($2 * 1e11 / $1))))"
}

# numpy side: one process per thread count (OPENBLAS_NUM_THREADS must be set before numpy loads);
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for these commands only, so OpenBLAS picks its
# kernel itself (unless --openblas-core names one).
openblas_env() {
  if [ -n "$coretype" ]; then
    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$coretype" "$@"
  else
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@"
  fi
}

numpy_gemm() { # threads m n k batch trans warmup iters -> "median_gflops best_gflops"
  openblas_env OPENBLAS_NUM_THREADS="$1" python3 - "$@" <<'EOF'
import sys, time
import numpy as np
t, m, n, k, batch, trans, warm, iters = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6], *map(int, sys.argv[7:9])
try:
    from threadpoolctl import threadpool_limits
    threadpool_limits(int(t))
except ImportError:
    pass
rng = np.random.default_rng(0)
a = rng.uniform(-1, 1, (batch, k, m)).astype(np.float32).transpose(0, 2, 1) if trans[0] == "T" \
    else rng.uniform(-1, 1, (batch, m, k)).astype(np.float32)
b = rng.uniform(-1, 1, (batch, n, k)).astype(np.float32).transpose(0, 2, 1) if trans[1] == "T" \
    else rng.uniform(-1, 1, (batch, k, n)).astype(np.float32)
if batch == 1:
    a, b = a[0], b[0]
c = np.empty((batch, m, n) if batch > 1 else (m, n), np.float32)
for _ in range(warm):
    np.matmul(a, b, out=c)
ts = []
for _ in range(iters):
    t0 = time.perf_counter()
    np.matmul(a, b, out=c)
    ts.append(time.perf_counter() - t0)
ts.sort()
flop = 2.0 * m * n * k * batch
print("%.2f %.2f" % (flop / ts[len(ts) // 2] / 1e9, flop / ts[0] / 1e9))
EOF
}

openblas_info() {
  openblas_env python3 - <<'EOF'
import ctypes, glob, os
import numpy as np
try:
    from threadpoolctl import threadpool_info
    for lib in threadpool_info():
        if lib.get("internal_api") == "openblas":
            print("OpenBLAS %s, core %s (threadpoolctl)" % (lib.get("version"), lib.get("architecture")))
            raise SystemExit
except ImportError:
    pass
libdir = os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs")
for path in glob.glob(os.path.join(libdir, "*openblas*.so*")):
    lib = ctypes.CDLL(path)
    for prefix in ("scipy_openblas_", "openblas_"):
        for suffix in ("64_", ""):
            try:
                core, cfg = getattr(lib, prefix + "get_corename" + suffix), getattr(lib, prefix + "get_config" + suffix)
            except AttributeError:
                continue
            core.restype = cfg.restype = ctypes.c_char_p
            print("numpy %s, %s, core %s" % (np.__version__, cfg().decode(), core().decode()))
            raise SystemExit
print("numpy %s, OpenBLAS core unknown (no threadpoolctl, no get_corename symbol found)" % np.__version__)
EOF
}

json_field() { # json key
  python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs, load $load_start"
echo "numpy:   $(openblas_info)"
info=$(./dat4j info 2>&1) || { echo "$info" >&2; exit 1; } # builds the CLI on first use
jdk=$(echo "$info" | sed -n 's/^java *//p')
echo "java:    $jdk, $(echo "$info" | sed -n 's/^cpu *.*backend //p')${DAT4J_JAVA_OPTS:+, DAT4J_JAVA_OPTS=$DAT4J_JAVA_OPTS}"
echo
printf "%-22s %3s %9s %9s %7s   %9s %9s %7s\n" "shape (m n k batch)" "thr" "java" "openblas" "ratio" "java" "openblas" "ratio"
printf "%-22s %3s %29s   %29s\n" "" "" "median GFLOP/s" "best call GFLOP/s"

results=()
for t in $threads_list; do
  for s in "${shapes[@]}"; do
    read -r m n k batch trans <<<"$s"
    flops=$(python3 -c "print(2*$m*$n*$k*$batch)")
    warm=$(calls "$flops" 0.2 3 3000)
    iters=$(calls "$flops" 0.3 10 3000)
    targs=()
    [ "${trans:0:1}" = T ] && targs+=(--trans-a)
    [ "${trans:1:1}" = T ] && targs+=(--trans-b)
    jline=$(./dat4j bench gemm --m "$m" --n "$n" --k "$k" --batch "$batch" "${targs[@]}" \
      --threads "$t" --warmup "$warm" --iters "$iters" 2>/dev/null | tail -1)
    jgf=$(json_field "$jline" gflops)
    jbest=$(python3 -c "print('%.2f' % ($flops / ($(json_field "$jline" ms_min) * 1e6)))")
    read -r ngf nbest <<<"$(numpy_gemm "$t" "$m" "$n" "$k" "$batch" "$trans" "$warm" "$iters")"
    ratio=$(python3 -c "print('%.2f' % ($jgf / $ngf))")
    rbest=$(python3 -c "print('%.2f' % ($jbest / $nbest))")
    printf "%-22s %3s %9s %9s %7s   %9s %9s %7s\n" "$m $n $k $batch $trans" "$t" "$jgf" "$ngf" "$ratio" "$jbest" "$nbest" "$rbest"
    results+=("{\"m\":$m,\"n\":$n,\"k\":$k,\"batch\":$batch,\"trans\":\"$trans\",\"threads\":$t,\"java_gflops\":$jgf,\"openblas_gflops\":$ngf,\"ratio\":$ratio,\"java_best_gflops\":$jbest,\"openblas_best_gflops\":$nbest}")
  done
done

if [ "$record" = 1 ]; then
  mkdir -p bench/results
  joined=$(IFS=,; echo "${results[*]}")
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  dirty=$(git status --porcelain 2>/dev/null | grep -q . && echo true || echo false)
  machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs"
  echo "{\"date\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"bench\":\"gemm_vs_numpy\",\"commit\":\"$commit\",\"dirty\":$dirty,\"machine\":\"$machine\",\"load_start\":\"$load_start\",\"load_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"jdk\":\"$jdk\",\"java_opts\":\"${DAT4J_JAVA_OPTS:-}\",\"openblas\":\"$(openblas_info | sed 's/"/\\"/g')\",\"results\":[$joined]}" >> bench/results/history.jsonl
  echo
  echo "appended to bench/results/history.jsonl"
fi
