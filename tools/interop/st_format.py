"""Pure-Python pieces of the safetensors format shared by the interop scripts (no numpy, no torch:
the torch paths must run on a host that may have torch without numpy)."""

import json
import math
import struct

# Reference (huggingface/safetensors) Dtype enum order = ascending alignment; writers sort by
# descending order, then by name (UTF-8 bytes).
DTYPE_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]

# Bit width and exponent/mantissa masks of the float dtypes dat4j writes.
FLOAT_FORMATS = {"F32": (32, 0x7F800000, 0x007FFFFF), "F16": (16, 0x7C00, 0x03FF), "BF16": (16, 0x7F80, 0x007F)}


def reference_order(names_and_dtypes):
    """(name, dtype) pairs sorted as the reference writer lays them out."""
    return sorted(names_and_dtypes, key=lambda nd: (-DTYPE_ORDER.index(nd[1]), nd[0].encode("utf-8")))


def header_layout(path):
    """(header length, [(name, dtype)] in data order) straight from the file's bytes."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
    header.pop("__metadata__", None)
    infos = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    return n, [(name, info["dtype"]) for name, info in infos]


def is_nan_bits(dtype, bits):
    """Whether the unsigned bit pattern `bits` of float dtype `dtype` is a NaN."""
    _, exponent, mantissa = FLOAT_FORMATS[dtype]
    return (bits & exponent) == exponent and (bits & mantissa) != 0


def json_number(v):
    """A float for JSON; NaN and infinities (which JSON lacks) as the strings "nan", "inf", "-inf"."""
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v
