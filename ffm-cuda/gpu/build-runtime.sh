#!/usr/bin/env bash
# Builds, on a machine with JDK 25, everything the GPU host (which has no JDK) needs to run the
# CUDA backend's GPU tests: the jars, the compiled test classes, the JUnit console launcher, and a
# jlink runtime image whose `java` already has the flags dat4j needs. Run it from anywhere:
#
#   ffm-cuda/gpu/build-runtime.sh [DIST]      (default DIST: <repo>/dist, an ignored folder)
#
# The jars come from the repository this script lives in, so a worktree can build into another
# checkout's dist folder (the one the GPU host receives). With REFCODE=DIR (a checkout of
# github.com/Awni00/abstract_transformer) its top-level *.py files go to DIST/refcode, and einops
# (pure Python, needed by that code) to DIST/pylib when importable here, for bench/torch_train_step.py.
#
# Then on the GPU host: bash DIST/run-gpu-tests.sh  (logs go to $OUT, else DIST/out), or
# bash DIST/run-gpu-bench.sh [PHASE...]  (end-to-end tests and benchmarks; see that script).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dist="${1:-$root/dist}"

for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
  if [ -n "$cand" ] && [ -x "$cand/bin/jlink" ] && "$cand/bin/java" -version 2>&1 | head -1 | grep -Eq '"25([."]|$)'; then
    export JAVA_HOME="$cand"; break
  fi
done
[ -x "${JAVA_HOME:-}/bin/jlink" ] || { echo "build-runtime: no JDK 25 with jlink found; set JAVA_HOME" >&2; exit 1; }

cd "$root"
echo "building jars and test classes..."
./mvnw -q -B -DskipTests package

# The console launcher matching the JUnit Jupiter version of the build (Jupiter 5.x.y <-> Platform 1.x.y).
jupiter="$(sed -n 's:.*<junit.version>\(.*\)</junit.version>.*:\1:p' pom.xml | head -1)"
platform="1.${jupiter#5.}"

rm -rf "$dist"
mkdir -p "$dist/lib" "$dist/test-classes" "$dist/apps-test-classes"
cp vecops/target/vecops-*.jar "$dist/lib/vecops.jar"
cp ffm-cuda/target/ffm-cuda-*.jar "$dist/lib/ffm-cuda.jar"
cp apps/target/dat4j-cli.jar "$dist/lib/dat4j-cli.jar"
cp -r ffm-cuda/target/test-classes/. "$dist/test-classes/"
cp -r apps/target/test-classes/dev "$dist/apps-test-classes/" # classes only: the GPU tests need no resources
./mvnw -q -B dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
  -DoutputDirectory="$dist/lib" -Dmdep.stripVersion=true

# java.logging and java.xml: used by the JUnit console launcher (logging, XML reports).
"$JAVA_HOME/bin/jlink" \
  --add-modules java.base,jdk.incubator.vector,java.logging,java.management,jdk.management,java.xml \
  --add-options="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --output "$dist/runtime"

cp ffm-cuda/gpu/run-gpu-tests.sh ffm-cuda/gpu/run-gpu-bench.sh bench/gpu_gemm_torch.py bench/torch_train_step.py "$dist/"
if [ -n "${REFCODE:-}" ]; then
  [ -f "$REFCODE/language_models.py" ] || { echo "build-runtime: REFCODE=$REFCODE has no language_models.py" >&2; exit 1; }
  mkdir -p "$dist/refcode"
  cp "$REFCODE"/*.py "$dist/refcode/"
  einops="$(python3 -c 'import einops, os; print(os.path.dirname(einops.__file__))' 2>/dev/null || true)"
  if [ -n "$einops" ]; then
    mkdir -p "$dist/pylib"
    cp -r "$einops" "$dist/pylib/"
    find "$dist/pylib" -name __pycache__ -prune -exec rm -rf {} +
  fi
fi
echo "built $dist ($(du -sh "$dist" | cut -f1)):"
ls "$dist" "$dist/lib"
