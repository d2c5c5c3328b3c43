"""Teacher trajectories on disk, so few_step_distill.py runs the teacher once per trajectory.

One safetensors file per teacher batch, <folder>/batch-<index>.safetensors (f32, written atomically):
  points.k   (B, C, F, h, w)  x at the student's σ_k, k < sampler.steps (the teacher's ODE states)
  target     (B, C, F, h, w)  the ODE's end, x at σ = 0
  x0         (B, C, F, h, w)  the given (clean) latents where mask = 1, zero elsewhere
  mask       (B, 1, F, h, w)  1 on given frames
  ids, tmask                  the tokenized captions
and in the metadata the captions and what made the trajectories (teacher checkpoint and step,
teacher steps, CFG, seed). A folder made by another teacher or setting is refused, not mixed in.
"""
import json
import os

import torch

import safetensors_io as st

STORED = ('target', 'x0', 'mask', 'ids', 'tmask')


class TrajectoryCache:
    def __init__(self, folder, made_by):
        self.folder, self.made_by = folder, made_by
        os.makedirs(folder, exist_ok=True)
        stamp = os.path.join(folder, 'made_by.json')
        if os.path.exists(stamp):
            with open(stamp) as f:
                found = json.load(f)
            if found != made_by:
                raise SystemExit(f'{folder} holds trajectories of {found}, not {made_by}: use another folder')
        else:
            with open(stamp, 'w') as f:
                json.dump(made_by, f, indent=1)

    def path(self, index):
        return os.path.join(self.folder, f'batch-{index:06d}.safetensors')

    def has(self, index):
        return os.path.exists(self.path(index))

    def save(self, index, batch):
        tensors = {f'points.{k}': x for k, x in enumerate(batch['points'])}
        tensors.update({k: batch[k] for k in STORED})
        tensors['x0'] = batch['x0'] * batch['mask']                   # only the given frames are ever read
        tensors = {k: v.detach().cpu().contiguous() for k, v in tensors.items()}
        tmp = self.path(index) + '.tmp'
        st.save(tmp, tensors, {'captions': json.dumps(batch['captions'])})
        os.replace(tmp, self.path(index))

    def load(self, index, device):
        tensors, meta = st.load(self.path(index))
        batch = {k: tensors[k].to(device) for k in STORED}
        n = sum(1 for k in tensors if k.startswith('points.'))
        batch['points'] = [tensors[f'points.{k}'].to(device) for k in range(n)]
        batch['captions'] = json.loads(meta['captions'])
        return batch
