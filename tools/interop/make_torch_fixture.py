#!/usr/bin/env python3
"""Writes a small state dict of several dtypes and shapes as safetensors, plus the values a reader
must find, for dat4j's SafetensorsInteropTest.

    python3 tools/interop/make_torch_fixture.py OUT_DIR            # torch + safetensors (no numpy needed)
    python3 tools/interop/make_torch_fixture.py OUT_DIR --numpy    # numpy-only fallback

Creates OUT_DIR/NAME.safetensors and OUT_DIR/NAME.expected.json (NAME: torch_fixture, or
numpy_fixture with --numpy). The expected JSON is
    {"producer": "...", "metadata": {...}, "tensors": {name: {"dtype": "F16", "shape": [..], "values": [...]}}}
with "values" the stored values (after rounding to the dtype), flat and row-major, as JSON numbers
(integers exact) or the strings "nan", "inf", "-inf".
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from st_format import json_number  # noqa: E402

METADATA = {"format": "pt", "producer": "make_torch_fixture.py", "note": "caf\u00e9 \"quoted\""}

# name -> (dtype, shape, values). Float values are rounded to the dtype when stored (F16/BF16 from
# float32, as a model cast would).
SPEC = {
    "layers.0.wq.weight": ("F32", [3, 4], [0.37 * i - 2.0 for i in range(12)]),
    "layers.0.wq.bias": ("F32", [5], [-0.0, float("nan"), float("inf"), 1e-45, 3.4028234663852886e38]),
    "emb.weight": ("BF16", [2, 3], [0.1, -2.5, 3.14159, 1e10, -1e-3, 1.00390625]),
    "norm.weight": ("F16", [5], [1.0, -0.5, 65504.0, 6e-8, float("-inf")]),
    "double.scalar": ("F64", [], [0.1]),
    "step": ("I64", [], [123456789012]),
    "tokens": ("I64", [2, 3], [-1, 0, 1, 50256, 2 ** 53, -7]),
    "counts": ("I32", [2, 2, 2], [-2 ** 31, 2 ** 31 - 1, 0, 1, -1, 16777217, 5, 6]),
    "pixels": ("U8", [4], [0, 1, 128, 255]),
    "mask": ("BOOL", [3], [True, False, True]),
    "empty": ("F32", [0, 4], []),
}


def json_values(dtype, flat):
    """Stored values (python floats/ints/bools, flat) as JSON-ready values."""
    if dtype in ("F16", "BF16", "F32", "F64"):
        return [json_number(v) for v in flat]
    return [int(v) for v in flat]  # integers exact; bool as 0/1


def write_with_torch(path):
    import torch
    from safetensors.torch import save_file

    torch_dtype = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
                   "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}
    tensors = {}
    for name, (dtype, shape, values) in SPEC.items():
        if dtype in ("F16", "BF16"):
            t = torch.tensor(values, dtype=torch.float32).to(torch_dtype[dtype])
        else:
            t = torch.tensor(values, dtype=torch_dtype[dtype])
        tensors[name] = t.reshape(shape).contiguous()
    save_file(tensors, path, metadata=METADATA)
    # Expected values are torch's own stored values (its F16/BF16 rounding); float() is exact for them.
    values = {}
    for name, t in tensors.items():
        flat = t.reshape(-1)
        values[name] = flat.float().tolist() if t.dtype in (torch.float16, torch.bfloat16) else flat.tolist()
    return values, f"torch {torch.__version__}"


def write_with_numpy(path):
    import numpy as np
    import st_numpy

    tensors, values = {}, {}
    for name, (dtype, shape, vals) in SPEC.items():
        if dtype == "BF16":
            bits = st_numpy.f32_to_bf16_bits(np.array(vals, dtype=np.float32))
            tensors[name] = (dtype, bits.reshape(shape))
            values[name] = st_numpy.bf16_bits_to_f32(bits).astype(np.float64).tolist()
        else:
            arr = np.array(vals, dtype=st_numpy.NP_STORAGE[dtype]).reshape(shape)
            tensors[name] = (dtype, arr)
            values[name] = arr.reshape(-1).tolist()
    st_numpy.save(path, tensors, METADATA)
    return values, f"numpy {np.__version__}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--numpy", action="store_true", help="write with numpy only (no torch needed)")
    ap.add_argument("--name", help="file stem (default: torch_fixture, or numpy_fixture with --numpy)")
    args = ap.parse_args()
    name = args.name or ("numpy_fixture" if args.numpy else "torch_fixture")
    os.makedirs(args.out_dir, exist_ok=True)
    path = os.path.join(args.out_dir, name + ".safetensors")
    values, producer = write_with_numpy(path) if args.numpy else write_with_torch(path)
    expected = {
        "producer": producer,
        "metadata": METADATA,
        "tensors": {n: {"dtype": d, "shape": s, "values": json_values(d, values[n])} for n, (d, s, _) in SPEC.items()},
    }
    with open(os.path.join(args.out_dir, name + ".expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"wrote {path} ({len(SPEC)} tensors, {producer})")


if __name__ == "__main__":
    main()
