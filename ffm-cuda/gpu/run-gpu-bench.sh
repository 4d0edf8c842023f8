#!/usr/bin/env bash
# Runs on the GPU host (no JDK needed) from the folder build-runtime.sh produced: the end-to-end GPU
# checks and the benchmarks of docs/BENCHMARKS.md, section "GPU".
#
#   bash DIST/run-gpu-bench.sh [PHASE...]      (default: all phases, in this order)
#
# Phases: env, suite (ffm-cuda tests), lmtest (DAT LM training, GPU vs CPU), gemm (dat4j vs
# torch.matmul at 4096^3), gemm-bf16 (bf16 in, bf16 out only: dat4j and torch alternated three times
# per fill, so clock drift between runs shows; dat4j also with 750 calls per sample, torch's count
# between its two CUDA events, and torch also timed with dat4j's protocol, --host-timed), train-bf16, train-tf32 (LM training steps, dat4j vs the PyTorch reference
# in bench/torch_train_step.py; needs DIST/refcode, see build-runtime.sh), profile (one DAT step
# with every op waited for, so --profile's per-kernel times are GPU times). Each step writes
# <phase>-<name>.txt, ended by its exit status and wall time, into $OUT/gpu-logs.tgz (OUT defaults
# to DIST/out); a failing step does not stop the others. DEADLINE=seconds (default 540) skips what would start
# later than that after the script began, so a run never outlives the device lease.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${OUT:-$here/out}"
out="$dest/logs"
mkdir -p "$out"
java="$here/runtime/bin/java"
cache="$(mktemp -d)" # shared by every JVM of this run: kernels compile once
jflags=(-Ddat4j.cuda.kernelCache="$cache")
cli=("$java" "${jflags[@]}" -jar "$here/lib/dat4j-cli.jar")
cli_tf32=("$java" "${jflags[@]}" -Ddat4j.cuda.gemm=tf32 -jar "$here/lib/dat4j-cli.jar")
cli_bf16=("$java" "${jflags[@]}" -Ddat4j.cuda.gemm=bf16 -jar "$here/lib/dat4j-cli.jar")
export PYTHONPATH="$here/pylib${PYTHONPATH:+:$PYTHONPATH}"
deadline="${DEADLINE:-540}"
began=$(date +%s)

# step NAME LIMIT CMD...: runs CMD with at most LIMIT seconds (less if the deadline is nearer).
step() {
  local name="$1" limit="$2"; shift 2
  local left=$(( deadline - ($(date +%s) - began) ))
  if [ "$left" -lt 15 ]; then echo "skipped (deadline)" > "$out/$name.txt"; echo "$name: skipped"; return; fi
  [ "$limit" -gt "$left" ] && limit="$left"
  local t0; t0=$(date +%s%N)
  timeout "$limit" "$@" > "$out/$name.txt" 2>&1
  local rc=$?
  echo "[exit $rc, $(( ($(date +%s%N) - t0) / 1000000 )) ms]" >> "$out/$name.txt"
  echo "$name: exit $rc, $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  grep -h '^{' "$out/$name.txt" | tail -1
}

# LM configurations of the GPU section: d=768, 12 layers, seq 1024, batch 16, vocab 32000, GELU, RoPE.
lm="--d-model 768 --layers 12 --seq 1024 --batch 16 --vocab 32000 --activation gelu --warmup 1 --steps 3"
dat="--model dat --sa 6 --ra 6 --symbol-retrieval symbolic_attention --symbols 1024 --symbol-heads 8"
tfm="--model transformer --sa 12 --ra 0"
ref=(python3 "$here/torch_train_step.py" --reference-dir "$here/refcode" --device cuda)

phase_env() {
  step env-smi 20 nvidia-smi
  step env-java 20 "$java" -version
  step env-info 60 "${cli[@]}" info
  step env-python 60 python3 -c "import torch, einops; print(torch.__version__, torch.version.cuda, torch.cuda.get_device_name(0), einops.__version__)"
}

phase_suite() {
  step suite-ffm-cuda 240 "$java" "${jflags[@]}" -jar "$here/lib/junit-platform-console-standalone.jar" execute \
    --disable-banner --disable-ansi-colors --details=tree \
    --class-path "$here/lib/vecops.jar:$here/lib/ffm-cuda.jar:$here/test-classes" --scan-classpath "$here/test-classes"
  tail -8 "$out/suite-ffm-cuda.txt"
}

phase_lmtest() {
  step lmtest 180 "$java" "${jflags[@]}" -jar "$here/lib/junit-platform-console-standalone.jar" execute \
    --disable-banner --disable-ansi-colors --details=tree \
    --class-path "$here/lib/dat4j-cli.jar:$here/apps-test-classes" --select-class dev.dat4j.apps.gpu.LmTrainingOnDeviceTest
  grep -E "losses|tests (successful|failed|skipped)" "$out/lmtest.txt"
}

phase_gemm() {
  local fill
  for fill in constant random; do
    local g="--device cuda --size 4096 --warmup 5 --iters 15 --fill $fill"
    step gemm-$fill-dat4j-f32 60 "${cli[@]}" bench gemm $g --dtype f32
    step gemm-$fill-dat4j-tf32 60 "${cli[@]}" bench gemm $g --dtype tf32
    step gemm-$fill-dat4j-bf16 60 "${cli[@]}" bench gemm $g --dtype bf16
    step gemm-$fill-dat4j-bf16-resident 60 "${cli[@]}" bench gemm $g --dtype bf16 --resident-bf16
    step gemm-$fill-dat4j-bf16-out 60 "${cli[@]}" bench gemm $g --dtype bf16 --resident-bf16 --bf16-out
    step gemm-$fill-torch 90 python3 "$here/gpu_gemm_torch.py" 4096 750 --fill $fill
    cat "$out/gemm-$fill-torch.txt"
  done
}

phase_gemm_bf16() {
  local fill i
  for fill in constant random; do
    local g="--device cuda --size 4096 --warmup 5 --fill $fill --dtype bf16 --resident-bf16 --bf16-out"
    for i in 1 2 3; do
      step gemm-bf16-$fill-$i-dat4j 60 "${cli[@]}" bench gemm $g --iters 15
      step gemm-bf16-$fill-$i-dat4j-750 60 "${cli[@]}" bench gemm $g --iters 5 --calls 750
      step gemm-bf16-$fill-$i-torch 60 python3 "$here/gpu_gemm_torch.py" 4096 750 --fill $fill --cases bf16
      step gemm-bf16-$fill-$i-torch-host-timed 60 python3 "$here/gpu_gemm_torch.py" 4096 --fill $fill --cases bf16 --host-timed
      grep -h "torch gemm" "$out/gemm-bf16-$fill-$i-torch.txt" "$out/gemm-bf16-$fill-$i-torch-host-timed.txt"
    done
  done
}

phase_train_bf16() {
  step train-dat-dat4j-bf16 200 "${cli_bf16[@]}" bench train-step --device cuda $lm $dat
  step train-dat-torch-bf16 150 "${ref[@]}" $lm $dat --dtype bf16
  step train-tfm-dat4j-bf16 150 "${cli_bf16[@]}" bench train-step --device cuda $lm $tfm
  step train-tfm-torch-bf16 120 "${ref[@]}" $lm $tfm --dtype bf16
}

phase_train_tf32() {
  step train-dat-dat4j-tf32 200 "${cli_tf32[@]}" bench train-step --device cuda $lm $dat
  step train-dat-torch-tf32 150 "${ref[@]}" $lm $dat --dtype f32 --tf32
  step train-tfm-dat4j-tf32 150 "${cli_tf32[@]}" bench train-step --device cuda $lm $tfm
  step train-tfm-torch-tf32 120 "${ref[@]}" $lm $tfm --dtype f32 --tf32
}

phase_profile() {
  step profile-dat-dat4j-tf32 120 "$java" "${jflags[@]}" -Ddat4j.cuda.gemm=tf32 -Ddat4j.cuda.sync=true \
    -jar "$here/lib/dat4j-cli.jar" bench train-step --device cuda --profile ${lm/--steps 3/--steps 1} $dat
  grep -v '^{' "$out/profile-dat-dat4j-tf32.txt" | tail -30
}

phases=("$@")
[ ${#phases[@]} -eq 0 ] && phases=(env suite lmtest gemm train-bf16 train-tf32 profile)
for p in "${phases[@]}"; do
  case "$p" in
    env) phase_env ;;
    suite) phase_suite ;;
    lmtest) phase_lmtest ;;
    gemm) phase_gemm ;;
    gemm-bf16) phase_gemm_bf16 ;;
    train-bf16) phase_train_bf16 ;;
    train-tf32) phase_train_tf32 ;;
    profile) phase_profile ;;
    *) echo "run-gpu-bench.sh: unknown phase '$p'" >&2 ;;
  esac
done
rm -rf "$cache"
echo "total: $(( $(date +%s) - began )) s" | tee "$out/total.txt"
tar czf "$dest/gpu-logs.tgz" -C "$dest" logs && rm -rf "$out"
