#!/usr/bin/env bash
# Regenerates src/main/java/dev/dat4j/cuda/generated from the CUDA headers with jextract.
# Usage: JEXTRACT=/path/to/jextract CUDA_INCLUDE=/usr/local/cuda/include ffm-cuda/jextract/generate.sh
# (jextract itself is not part of this repository: see README.md.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
jextract=${JEXTRACT:-jextract}
inc=${CUDA_INCLUDE:-/usr/local/cuda/include}
out=$module/src/main/java
rm -rf "$out/dev/dat4j/cuda/generated"
cd "$module"
for pair in cuda:cuda.h nvrtc:nvrtc.h cublas:cublas_v2.h; do
  args=${pair%%:*}
  header=${pair#*:}
  "$jextract" -I "$inc" -I jextract/missing-hpp --output "$out" "@jextract/$args.args" "$inc/$header"
done
