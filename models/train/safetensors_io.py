"""Read and write safetensors files by hand (the `safetensors` package is not a dependency).

Layout: 8-byte little-endian u64 header length N, then N bytes of JSON
    {"__metadata__": {str: str}, name: {"dtype": "F16", "shape": [...], "data_offsets": [begin, end]}, ...}
padded with spaces so the data starts 8-byte aligned, then the tensors' bytes back to back, in
order of their offsets (offsets are relative to the start of the data). Tensors are written widest
dtype first so every tensor starts aligned to its own element size (a typed-array view needs that).
"""
import json
import struct

import numpy as np
import torch

DTYPES = {  # safetensors name -> (torch dtype, bytes per element)
    'F32': (torch.float32, 4), 'F16': (torch.float16, 2), 'BF16': (torch.bfloat16, 2),
    'I64': (torch.int64, 8), 'I32': (torch.int32, 4), 'I16': (torch.int16, 2), 'I8': (torch.int8, 1),
    'U8': (torch.uint8, 1), 'BOOL': (torch.bool, 1), 'F64': (torch.float64, 8),
}
NAMES = {dt: name for name, (dt, _) in DTYPES.items()}


def tensor_bytes(t):
    """Little-endian bytes of a tensor, row-major (bf16 through an int16 view: numpy has no bf16)."""
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().astype(t.numpy().dtype.newbyteorder('<'), copy=False).tobytes()


def layout(tensors):
    """(header dict without metadata, ordered names): widest dtype first, then insertion order."""
    names = sorted(tensors, key=lambda n: -DTYPES[NAMES[tensors[n].dtype]][1])
    header, offset = {}, 0
    for name in names:
        t = tensors[name]
        size = t.numel() * DTYPES[NAMES[t.dtype]][1]
        header[name] = {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + size]}
        offset += size
    return header, names


def dumps(tensors, metadata=None):
    """bytes of a safetensors file holding `tensors` ({name: torch.Tensor}); metadata values are str."""
    header, names = layout(tensors)
    if metadata:
        header = {'__metadata__': {k: str(v) for k, v in metadata.items()}, **header}
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * (-(8 + len(text)) % 8)                       # data starts 8-byte aligned
    return struct.pack('<Q', len(text)) + text + b''.join(tensor_bytes(tensors[n]) for n in names)


def save(path, tensors, metadata=None):
    data = dumps(tensors, metadata)
    with open(path, 'wb') as f:
        f.write(data)
    return data


def parse_header(data):
    """(header dict, data start offset in the file) from a file's bytes."""
    (n,) = struct.unpack('<Q', data[:8])
    return json.loads(data[8:8 + n].decode('utf-8')), 8 + n


def loads(data):
    """({name: torch.Tensor}, metadata dict) from a file's bytes."""
    header, start = parse_header(data)
    metadata = header.pop('__metadata__', {})
    out = {}
    for name, info in header.items():
        dtype, size = DTYPES[info['dtype']]
        begin, end = info['data_offsets']
        raw = data[start + begin:start + end]
        if dtype == torch.bfloat16:
            t = torch.from_numpy(np.frombuffer(raw, dtype='<i2').copy()).view(torch.bfloat16)
        else:
            np_dtype = torch.empty(0, dtype=dtype).numpy().dtype.newbyteorder('<')
            t = torch.from_numpy(np.frombuffer(raw, dtype=np_dtype).astype(np_dtype.newbyteorder('=')))
        if t.numel() * size != end - begin:
            raise ValueError(f'{name}: {end - begin} bytes do not hold shape {info["shape"]} of {info["dtype"]}')
        out[name] = t.reshape(info['shape'])
    return out, metadata


def load(path):
    with open(path, 'rb') as f:
        return loads(f.read())
