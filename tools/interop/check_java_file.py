#!/usr/bin/env python3
"""Checks a safetensors file written by dat4j against the expectations dat4j wrote beside it.

    python3 tools/interop/check_java_file.py FILE EXPECTED.json            # safetensors.torch (no numpy needed)
    python3 tools/interop/check_java_file.py FILE EXPECTED.json --numpy    # numpy-only fallback

EXPECTED.json (written by dat4j's SafetensorsInteropTest):
    {"metadata": {...}, "tensors": {name: {"dtype": "BF16", "shape": [..], "f32_bits": [..]}}}
"f32_bits" are the float32 bit patterns dat4j was asked to store; this script rounds them to the
dtype itself (torch's rounding, or numpy's F16 and a float64 oracle for BF16 with --numpy) and
requires bit-identical data (any NaN matches any NaN). It also checks the reference writer's header
layout: header length a multiple of 8, tensors ordered by descending dtype alignment, then name, and
the same header and data bytes as the reference writer produces when it saves the loaded tensors
again (safetensors.torch.save_file; numpy: this directory's own writer).
Prints one line "OK ..." and exits 0 on success; prints every mismatch and exits 1 otherwise.
"""

import argparse
import json
import os
import struct
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st_format import FLOAT_FORMATS, header_layout, is_nan_bits, reference_order  # noqa: E402


class TorchBackend:
    def __init__(self):
        import safetensors
        import torch
        self.torch = torch
        self.dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
        self.ints = {"F32": torch.int32, "F16": torch.int16, "BF16": torch.int16}
        self.version = f"torch {torch.__version__}, safetensors {safetensors.__version__}"

    def load(self, path):
        """({name: (dtype, shape, unsigned bit patterns)}, metadata) via safetensors.torch.load_file."""
        from safetensors import safe_open
        from safetensors.torch import load_file

        names = {v: k for k, v in self.dtypes.items()}
        out = {}
        for name, t in load_file(path).items():
            dtype = names.get(t.dtype, str(t.dtype))
            bits = None
            if dtype in FLOAT_FORMATS:
                mask = (1 << FLOAT_FORMATS[dtype][0]) - 1
                bits = [b & mask for b in t.contiguous().view(self.ints[dtype]).reshape(-1).tolist()]
            out[name] = (dtype, list(t.shape), bits)
        with safe_open(path, framework="pt") as f:
            metadata = f.metadata() or {}
        return out, metadata

    def resave(self, path, out_path):
        """Loads `path` and saves it again with safetensors.torch.save_file."""
        from safetensors import safe_open
        from safetensors.torch import load_file, save_file

        with safe_open(path, framework="pt") as f:
            metadata = f.metadata()
        save_file(load_file(path), out_path, metadata=metadata)

    def round(self, dtype, f32_bits):
        """Bit patterns of the float32 values `f32_bits` rounded to `dtype` by torch."""
        torch = self.torch
        signed = [b - (1 << 32) if b >= 1 << 31 else b for b in f32_bits]
        source = torch.tensor(signed, dtype=torch.int32).view(torch.float32)
        mask = (1 << FLOAT_FORMATS[dtype][0]) - 1
        return [b & mask for b in source.to(self.dtypes[dtype]).view(self.ints[dtype]).tolist()]


class NumpyBackend:
    def __init__(self):
        import numpy as np
        import st_numpy
        self.np, self.st = np, st_numpy
        self.version = f"numpy {np.__version__}"

    def load(self, path):
        tensors, metadata, _ = self.st.load(path)
        unsigned = {"F32": "<u4", "F16": "<u2", "BF16": "<u2"}
        out = {}
        for name, (dtype, arr) in tensors.items():
            bits = arr.reshape(-1).view(unsigned[dtype]).tolist() if dtype in unsigned else None
            out[name] = (dtype, list(arr.shape), bits)
        return out, metadata

    def resave(self, path, out_path):
        tensors, metadata, _ = self.st.load(path)
        self.st.save(out_path, tensors, metadata)

    def round(self, dtype, f32_bits):
        np = self.np
        source = np.array(f32_bits, dtype=np.uint32).view(np.float32)
        if dtype == "F32":
            return list(f32_bits)
        if dtype == "F16":
            with np.errstate(over="ignore"):  # overflow to inf is the correct rounding
                return source.astype(np.float16).view(np.uint16).tolist()  # numpy rounds to nearest even
        return self.st.f32_to_bf16_bits(source).tolist()


def layout_errors(path):
    n, order = header_layout(path)
    errors = []
    if n % 8 != 0:
        errors.append(f"header length {n} is not a multiple of 8")
    if order != reference_order(order):
        errors.append(f"tensor order {[o[0] for o in order]} differs from the reference writer's "
                      f"{[o[0] for o in reference_order(order)]}")
    return errors


def split(path):
    """(header length, parsed header, data bytes) of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    return n, json.loads(raw[8:8 + n].decode("utf-8")), raw[8 + n:]


def resave_errors(path, backend):
    """The reference writer, given the same tensors and metadata, must produce the same header (up to
    the order of metadata keys, which it takes from a hash map) and the same data bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        again = os.path.join(tmp, "resaved.safetensors")
        backend.resave(path, again)
        mine, ref = split(path), split(again)
    errors = []
    if mine[0] != ref[0]:
        errors.append(f"header length {mine[0]} != {ref[0]} of the reference writer")
    if mine[1] != ref[1] or list(mine[1]) != list(ref[1]):
        errors.append(f"header differs from the reference writer's: {json.dumps(ref[1])}")
    if mine[2] != ref[2]:
        errors.append("data section differs from the reference writer's")
    return errors


def check(path, expected, backend):
    loaded, metadata = backend.load(path)
    errors = layout_errors(path) + resave_errors(path, backend)
    if metadata != expected["metadata"]:
        errors.append(f"metadata {metadata} != expected {expected['metadata']}")
    want = expected["tensors"]
    if set(loaded) != set(want):
        errors.append(f"tensor names differ: missing {sorted(set(want) - set(loaded))}, "
                      f"unexpected {sorted(set(loaded) - set(want))}")
    for name in sorted(set(loaded) & set(want)):
        dtype, shape, bits = loaded[name]
        w = want[name]
        if dtype != w["dtype"] or shape != w["shape"] or bits is None:
            errors.append(f"{name}: {dtype} {shape} != expected {w['dtype']} {w['shape']}")
            continue
        exp = backend.round(dtype, w["f32_bits"])
        bad = [i for i, (g, e) in enumerate(zip(bits, exp))
               if g != e and not (is_nan_bits(dtype, g) and is_nan_bits(dtype, e))]
        if len(bits) != len(exp):
            errors.append(f"{name}: {len(bits)} elements, expected {len(exp)}")
        elif bad:
            i = bad[0]
            errors.append(f"{name}: {len(bad)} of {len(bits)} elements differ, first at flat index {i}: "
                          f"stored bits {bits[i]:#x}, expected {exp[i]:#x} (from float32 bits {w['f32_bits'][i]:#010x})")
    return loaded, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("expected")
    ap.add_argument("--numpy", action="store_true", help="parse with numpy only (no torch needed)")
    args = ap.parse_args()
    with open(args.expected, encoding="utf-8") as f:
        expected = json.load(f)
    backend = NumpyBackend() if args.numpy else TorchBackend()
    try:
        loaded, errors = check(args.file, expected, backend)
    except Exception as e:  # a file the loader refuses is a failed check, reported in one line
        print(f"FAIL {args.file}: cannot load: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    for e in errors:
        print(f"FAIL {args.file}: {e}", file=sys.stderr)
    if errors:
        return 1
    n = sum(len(bits) for _, _, bits in loaded.values())
    print(f"OK {args.file}: {len(loaded)} tensors, {n} elements bit-exact, metadata and layout match ({backend.version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
