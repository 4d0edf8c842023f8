#!/usr/bin/env bash
# Runs on the GPU host (no JDK needed) from the folder build-runtime.sh produced:
#   bash DIST/run-gpu-tests.sh
# Writes to $OUT (else DIST/out): env.txt (nvidia-smi, java -version), dat4j-info.txt,
# tests.txt + junit/ (the ffm-cuda suite, GPU tests included), cache-rerun.txt (a second JVM
# that loads kernels from the on-disk cache), bench.txt (dat4j vs torch GEMM at 4096^3).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${OUT:-$here/out}"
mkdir -p "$out"
java="$here/runtime/bin/java"
cp="$here/lib/vecops.jar:$here/lib/ffm-cuda.jar:$here/test-classes"
cache="$(mktemp -d)"
junit=("$java" -Ddat4j.cuda.kernelCache="$cache" -jar "$here/lib/junit-platform-console-standalone.jar"
       execute --disable-banner --disable-ansi-colors --class-path "$cp")
millis() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

{ nvidia-smi; "$java" -version; } > "$out/env.txt" 2>&1
"$java" -jar "$here/lib/dat4j-cli.jar" info > "$out/dat4j-info.txt" 2>&1

start=$(date +%s%N)
"${junit[@]}" --scan-classpath "$here/test-classes" --details=tree --reports-dir "$out/junit" > "$out/tests.txt" 2>&1
status=$?
echo "suite wall time: $(millis "$start") ms, exit $status" >> "$out/tests.txt"

start=$(date +%s%N)
"${junit[@]}" --select-method dev.dat4j.cuda.CudaElementwiseTest#unaryInPlace --details=summary > "$out/cache-rerun.txt" 2>&1
{ echo "rerun wall time (kernels from the disk cache): $(millis "$start") ms"; ls -l "$cache"; } >> "$out/cache-rerun.txt"

{
  "$java" -cp "$cp" dev.dat4j.cuda.CudaGemmBenchmark 4096 20
  python3 "$here/gpu_gemm_torch.py" 4096 20
} > "$out/bench.txt" 2>&1
rm -rf "$cache"
tail -25 "$out/tests.txt"
cat "$out/bench.txt"
exit $status
