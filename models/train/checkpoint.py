"""Weights-only training checkpoints: safetensors shards of at most 15 MiB, one folder per checkpoint.

Why this shape: a GPU stage hands its weights back through $OUT (files <= 16 MiB, at most 8 files,
64 MiB in all) and the next stage, on a fresh machine, gets them back through `carry`. No optimizer
state (it would triple the bytes): a resumed stage restarts Adam's moments with a short warm-up.

A checkpoint folder holds `<name>-00001-of-0000N.safetensors` ...; every shard's metadata carries the
same JSON `meta` (step, stage, config name, anything else the trainer records). Tensor names are
'<part>.<state-dict name>' (part = vae, text_encoder, dit), so one folder can hold several parts.
Master weights are stored in f32 (dtype='F32'); an f16 copy (dtype='F16') halves the bytes of a
frozen teacher that only has to be carried, never trained further.
"""
import glob
import json
import os

import torch

import safetensors_io as st

SHARD_BYTES = 15 * 2 ** 20


def shard(tensors, limit=SHARD_BYTES):
    """Split {name: tensor} into lists of names, each list's bytes <= limit (order kept)."""
    groups, current, size = [], [], 0
    for name, t in tensors.items():
        n = t.numel() * t.element_size()
        if n > limit:
            raise ValueError(f'{name}: {n} bytes do not fit one shard of {limit}')
        if current and size + n > limit:
            groups.append(current)
            current, size = [], 0
        current.append(name)
        size += n
    if current:
        groups.append(current)
    return groups


def save(folder, parts, meta, name='weights', dtype=torch.float32):
    """Write {part: module or state dict} to `folder`; returns the shard paths."""
    os.makedirs(folder, exist_ok=True)
    for old in glob.glob(os.path.join(folder, name + '-*-of-*.safetensors')):
        os.remove(old)                                                # a folder holds one checkpoint
    tensors = {}
    for part, module in parts.items():
        state = module.state_dict() if hasattr(module, 'state_dict') else module
        for key, value in state.items():
            tensors[f'{part}.{key}'] = value.detach().to('cpu', dtype).contiguous()
    groups = shard(tensors)
    paths = []
    for i, names in enumerate(groups):
        path = os.path.join(folder, f'{name}-{i + 1:05d}-of-{len(groups):05d}.safetensors')
        st.save(path, {n: tensors[n] for n in names}, {'meta': json.dumps(meta, sort_keys=True)})
        paths.append(path)
    return paths


def shard_paths(folder, name='weights'):
    paths = sorted(glob.glob(os.path.join(folder, name + '-*-of-*.safetensors')))
    if not paths:
        raise FileNotFoundError(f'no checkpoint {name}-*-of-*.safetensors in {folder}')
    expected = int(paths[0].rsplit('-of-', 1)[1].split('.')[0])
    if len(paths) != expected:
        raise FileNotFoundError(f'{folder}: {len(paths)} of {expected} shards of {name}')
    return paths


def load(folder, name='weights'):
    """({part: {state-dict name: f32 tensor}}, meta) from a checkpoint folder."""
    parts, meta = {}, None
    for path in shard_paths(folder, name):
        tensors, metadata = st.load(path)
        meta = json.loads(metadata['meta'])
        for key, value in tensors.items():
            part, rest = key.split('.', 1)
            parts.setdefault(part, {})[rest] = value.float()
    return parts, meta


def load_into(folder, modules, name='weights', strict_parts=True):
    """Load the parts named in `modules` ({part: nn.Module}); returns the checkpoint's meta."""
    parts, meta = load(folder, name)
    for part, module in modules.items():
        if part not in parts:
            if strict_parts:
                raise KeyError(f'{folder} has no {part} weights (it has {sorted(parts)})')
            continue
        module.load_state_dict(parts[part])
    return meta
