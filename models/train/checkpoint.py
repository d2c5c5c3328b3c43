"""Weights-only training checkpoints: safetensors shards of at most 15 MiB, one folder per checkpoint.

Why this shape: a GPU stage hands its weights back through $OUT (files <= 16 MiB, at most 8 files,
64 MiB in all) and the next stage, on a fresh machine, gets them back through `carry`. A CPU
training run also keeps the optimizer's state (optimizer.pt) so that it resumes exactly where it
was killed; a GPU stage drops it (it would triple the bytes to carry) and restarts Adam's moments
with a short warm-up.

A checkpoint folder holds `<name>-00001-of-0000N.safetensors` ...; every shard's metadata carries the
same JSON `meta` (step, stage, config name, anything else the trainer records). Tensor names are
'<part>.<state-dict name>' (part = vae, text_encoder, dit), so one folder can hold several parts.
Master weights are stored in f32 (dtype='F32'); an f16 copy (dtype='F16') halves the bytes of a
frozen teacher that only has to be carried, never trained further.
"""
import glob
import json
import os
import shutil

import torch

import safetensors_io as st

SHARD_BYTES = 15 * 2 ** 20
OPTIMIZER_FILE = 'optimizer.pt'


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


def save(folder, parts, meta, name='weights', dtype=torch.float32, optimizer=None):
    """Write {part: module or state dict} to `folder` (and the optimizer's state, for resuming a
    stage exactly, as optimizer.pt); returns the shard paths. Atomic: everything is written to a
    sibling folder first and swapped in, so a process killed at any moment leaves either the old
    checkpoint or the new one whole (load() also accepts the old one mid-swap)."""
    tmp, old = folder + '.tmp', folder + '.old'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    tensors = {}
    for part, module in parts.items():
        state = module.state_dict() if hasattr(module, 'state_dict') else module
        for key, value in state.items():
            tensors[f'{part}.{key}'] = value.detach().to('cpu', dtype).contiguous()
    groups = shard(tensors)
    names = []
    for i, group in enumerate(groups):
        names.append(f'{name}-{i + 1:05d}-of-{len(groups):05d}.safetensors')
        st.save(os.path.join(tmp, names[-1]), {n: tensors[n] for n in group}, {'meta': json.dumps(meta, sort_keys=True)})
    if optimizer is not None:
        torch.save(optimizer.state_dict(), os.path.join(tmp, OPTIMIZER_FILE))
    if os.path.isdir(folder):
        keep = [f for f in os.listdir(folder) if not f.endswith('.safetensors') and f != OPTIMIZER_FILE]
        for f in keep:                                                # logs and the like stay in the folder
            os.replace(os.path.join(folder, f), os.path.join(tmp, f))
        shutil.rmtree(old, ignore_errors=True)
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)
    return [os.path.join(folder, n) for n in names]


def resolve(folder):
    """The folder itself, or its '.old' twin when a save was killed between its two renames."""
    if not os.path.isdir(folder) and os.path.isdir(folder + '.old'):
        return folder + '.old'
    return folder


def load_optimizer(folder, optimizer):
    """Restore an optimizer's state saved with the checkpoint; False when there is none."""
    path = os.path.join(resolve(folder), OPTIMIZER_FILE)
    if not os.path.exists(path):
        return False
    optimizer.load_state_dict(torch.load(path, map_location='cpu'))
    return True


def shard_paths(folder, name='weights'):
    folder = resolve(folder)
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
