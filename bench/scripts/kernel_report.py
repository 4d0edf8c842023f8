#!/usr/bin/env python3
"""Summarise a JMH run of the kernel benchmarks (Elementwise, Softmax, Norm, CopyBandwidth).

Reads JMH's JSON result file (-rf json -rff FILE), prints a Markdown table with times, GB/s,
the SIMD speed-up over the scalar reference and the fraction of the copy bandwidth measured in
the same run, and optionally appends one JSON line to bench/results/history.jsonl.

Usage: kernel_report.py RESULT.json [--history bench/results/history.jsonl --command "..." --machine "..."]
"""
import argparse
import datetime
import json
import subprocess
import sys

N = 8 * 1024 * 1024          # floats per array in every benchmark
CE = 160 * 50257             # cross-entropy logits
# Floats moved per call (reads + writes), see each benchmark method's comment.
FLOATS = {
    "ElementwiseBenchmark.add": 3 * N, "ElementwiseBenchmark.addBias": 2 * N,
    "ElementwiseBenchmark.gelu": 2 * N, "ElementwiseBenchmark.geluBackward": 4 * N,
    "ElementwiseBenchmark.exp": 2 * N, "ElementwiseBenchmark.axpy": 3 * N,
    "ElementwiseBenchmark.sumRows": N, "ElementwiseBenchmark.sumOfSquares": N,
    "ElementwiseBenchmark.dropout": 2 * N, "ElementwiseBenchmark.adamW": 7 * N,
    "SoftmaxBenchmark.softmax": 2 * N, "SoftmaxBenchmark.softmaxCausal": 1.5 * N,
    "SoftmaxBenchmark.softmaxBackward": 3 * N, "SoftmaxBenchmark.logSoftmax": 2 * N,
    "SoftmaxBenchmark.crossEntropy": CE, "SoftmaxBenchmark.crossEntropyBackward": 2 * CE,
    "NormBenchmark.layerNorm": 2 * N, "NormBenchmark.layerNormBackward": 3 * N,
    "NormBenchmark.rmsNorm": 2 * N, "NormBenchmark.rmsNormBackward": 3 * N,
    "CopyBandwidthBenchmark.copy": 2 * N, "CopyBandwidthBenchmark.permuteBTHD": 2 * N,
    "CopyBandwidthBenchmark.transpose": 2 * N, "CopyBandwidthBenchmark.embedding": 2 * N,
    "CopyBandwidthBenchmark.rope": 2 * N,
}
BACKENDS = ["scalar", "vector-1t", "vector"]


def load(path):
    rows = {}
    for r in json.load(open(path)):
        name = ".".join(r["benchmark"].split(".")[-2:])
        us = r["primaryMetric"]["score"]
        assert r["primaryMetric"]["scoreUnit"] == "us/op", r["primaryMetric"]["scoreUnit"]
        rows[(name, r["params"]["backend"])] = us
    return rows


def gbps(name, us):
    return FLOATS[name] * 4 / (us * 1e-6) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("result")
    ap.add_argument("--history")
    ap.add_argument("--command", default="")
    ap.add_argument("--machine", default="")
    ap.add_argument("--note", default="")
    ap.add_argument("--jdk", default="")
    a = ap.parse_args()
    rows = load(a.result)
    copy = {b: gbps("CopyBandwidthBenchmark.copy", rows[("CopyBandwidthBenchmark.copy", b)])
            for b in ("vector-1t", "vector") if ("CopyBandwidthBenchmark.copy", b) in rows}
    names = [n for n in FLOATS if any((n, b) in rows for b in BACKENDS)]
    print("| kernel | MB moved | scalar µs | vector-1t µs | vector µs | SIMD speed-up (1 thread) | speed-up (pool) "
          "| vector-1t GB/s (% of copy) | vector GB/s (% of copy) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    results = []
    for n in names:
        t = {b: rows.get((n, b)) for b in BACKENDS}
        cells = [n.replace("Benchmark", ""), f"{FLOATS[n] * 4 / 1e6:.0f}"]
        cells += [f"{t[b]:,.0f}" if t[b] else "–" for b in BACKENDS]
        cells.append(f"{t['scalar'] / t['vector-1t']:.1f}×" if t["scalar"] and t["vector-1t"] else "–")
        cells.append(f"{t['scalar'] / t['vector']:.1f}×" if t["scalar"] and t["vector"] else "–")
        for b in ("vector-1t", "vector"):
            cells.append(f"{gbps(n, t[b]):.1f} ({100 * gbps(n, t[b]) / copy[b]:.0f} %)" if t[b] and b in copy else "–")
        print("| " + " | ".join(cells) + " |")
        for b in BACKENDS:
            if t[b]:
                results.append({"kernel": n, "backend": b, "us_per_op": round(t[b], 1), "gbps": round(gbps(n, t[b]), 2)})
    if a.history:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        line = {"date": datetime.date.today().isoformat(), "commit": commit,
                "benchmark": "kernels (Elementwise|Softmax|Norm|CopyBandwidth)Benchmark",
                "machine": a.machine, "jdk": a.jdk, "unit": "us/op", "command": a.command, "note": a.note,
                "copy_gbps": {b: round(v, 2) for b, v in copy.items()}, "results": results}
        with open(a.history, "a") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
        print(f"\nappended one line to {a.history}", file=sys.stderr)


if __name__ == "__main__":
    main()
