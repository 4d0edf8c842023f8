"""Numpy safetensors reader/writer and float rounding helpers for the --numpy fallback of
make_torch_fixture.py and check_java_file.py (PyTorch is the real reference; this lets the scripts'
logic be checked on a machine without it). Written from the format description, not from the
safetensors package."""

import json
import struct

import numpy as np

from st_format import reference_order

# Storage dtype of each safetensors dtype in numpy (BF16 has none: its raw 16-bit patterns are kept).
NP_STORAGE = {"BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "U16": "<u2", "F16": "<f2",
              "BF16": "<u2", "I32": "<i4", "U32": "<u4", "F32": "<f4", "F64": "<f8", "I64": "<i8",
              "U64": "<u8"}


def save(path, tensors, metadata=None):
    """tensors: {name: (dtype, numpy array already in NP_STORAGE[dtype])}."""
    order = reference_order([(n, d) for n, (d, _) in tensors.items()])
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = dict(metadata)
    for name, dtype in order:
        arr = np.array(tensors[name][1], dtype=NP_STORAGE[dtype], order="C")  # keeps shape () (ascontiguousarray would not)
        raw = arr.tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")  # like serde_json
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def load(path):
    """Returns (tensors {name: (dtype, numpy array in storage dtype)}, metadata, names in data order).
    Validates like the reference: ranges tile the data section, sizes match shapes."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: shorter than 8 bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: header length {n} beyond the file ({len(data)} bytes)")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    metadata = header.pop("__metadata__", None) or {}
    infos = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    tensors, covered = {}, 0
    for name, info in infos:
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in NP_STORAGE:
            raise ValueError(f"{path}: tensor {name!r}: unknown dtype {dtype}")
        if end > len(body):
            raise ValueError(f"{path}: tensor {name!r} ends at data byte {end} beyond the {len(body)} data bytes")
        if begin != covered:
            raise ValueError(f"{path}: tensor {name!r} starts at {begin}, expected {covered}")
        storage = np.dtype(NP_STORAGE[dtype])
        if end - begin != int(np.prod(shape, dtype=np.int64)) * storage.itemsize:
            raise ValueError(f"{path}: tensor {name!r}: byte range does not match {dtype} {shape}")
        tensors[name] = (dtype, np.frombuffer(body[begin:end], dtype=storage).reshape(shape))
        covered = end
    if covered != len(body):
        raise ValueError(f"{path}: tensors cover {covered} of {len(body)} data bytes")
    return tensors, metadata, [name for name, _ in infos]


def f32_to_bf16_bits(x):
    """Round float32 values to bfloat16 (nearest, ties to even) by comparing the two bf16
    neighbours in float64 (an oracle independent of the bit trick writers use)."""
    x = np.asarray(x, dtype=np.float32).ravel()
    with np.errstate(all="ignore"):  # NaN/inf inputs are handled at the end
        return _f32_to_bf16_bits(x)


def _f32_to_bf16_bits(x):
    bits = x.view(np.uint32).astype(np.uint64)
    lo = bits & 0xFFFF0000
    hi = lo + 0x10000  # next bf16 away from zero (may be inf)
    lo_val = lo.astype(np.uint32).view(np.float32).astype(np.float64)
    hi_val = hi.astype(np.uint32).view(np.float32).astype(np.float64)
    xd = x.astype(np.float64)
    hi_val = np.where(np.isinf(hi_val), np.copysign(2.0 ** 128, xd), hi_val)  # float64: 2^128 is finite
    d_lo, d_hi = np.abs(xd - lo_val), np.abs(xd - hi_val)
    lo_even = ((lo >> 16) & 1) == 0
    pick_lo = (d_lo < d_hi) | ((d_lo == d_hi) & lo_even)
    out = np.where(pick_lo, lo, hi) >> 16
    out = np.where(np.isinf(x), bits >> 16, out)
    out = np.where(np.isnan(x), 0x7FC0, out)
    return out.astype(np.uint16)


def bf16_bits_to_f32(bits):
    return (np.asarray(bits, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
