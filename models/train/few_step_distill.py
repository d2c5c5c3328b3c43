"""Few-step distillation: the shipped 4-step sampler, no CFG, from the flow-matching teacher.

Why this method. The engine's shipped sampler (generate_window.ts) predicts x0 = x − σ_k·v at the
4 timesteps σ_k of sigmaSchedule(4, shift) = 1, 0.9375, 0.833, 0.625 and re-noises it with fresh
noise in between, so the model must map a noisy x at σ_k straight to a clean, sharp clip. A plain
flow model predicts the mean of all clips that fit (blurred at σ = 0.625 and above). The map we
want is the teacher's probability-flow ODE from x_σ to σ = 0 (a consistency function): its endpoint
is one sharp clip, and re-noising a sample to σ_k lands on the same marginal the ODE passes through.
We regress it directly on teacher ODE trajectories ("ODE-pair" distillation, as CausVid and
Self-Forcing initialise their students):
  teacher: 32 Euler steps (the reference sampler, with CFG) from noise, given frames kept clean,
           recording x at the 4-step schedule's σ_k (they are points of the 32-step grid);
  student: x̂0 = x_{σ_k} − σ_k·v_student(x_{σ_k}, t = 1000σ_k);  loss ‖x̂0 − x0_teacher‖² over
           the generated frames, all 4 σ_k of each trajectory in one batch.
One teacher run serves 4 training pairs (8 teacher steps, 16 forward passes with CFG, per pair), no
second network is trained (unlike DMD) and there is no step-size input (unlike shortcut / mean-flow
models, which would need a new DiT input the engine does not have). CFG is baked into the student,
so the browser runs one forward per step. The text encoder is the teacher's, frozen. The student
starts as a copy of the teacher.

The teacher runs once per trajectory: with --trajectories DIR --trajectory-batches N, step k trains on
teacher batch k mod N, computed the first time it is drawn and saved to DIR (trajectory_cache.py),
read back every later epoch. A teacher batch costs 2·teacher-steps forward passes; a student step one
forward and backward, so after the first epoch the distillation runs at about the speed of training.

Run: /usr/bin/python3 models/train/few_step_distill.py --config zoetrope-s --teacher ckpt/dit --minutes 9 --out $OUT/distill
"""
import argparse
import copy
import os

import torch

import checkpoint
from model import DiT, TextEncoder, VAE
from trajectory_cache import TrajectoryCache
from sample import encode_prompts, euler_update, sigma_schedule, text_context, velocity
from train_common import add_stage_args, autocast
from train_dit import DitTrainer, add_dit_args, main as train_main, masked_mse


def parse_args(argv):
    p = add_dit_args(add_stage_args(argparse.ArgumentParser(description=__doc__.split('\n')[0])))
    p.add_argument('--teacher', required=True, help='flow-matching checkpoint folder (train_dit.py)')
    p.add_argument('--teacher-steps', type=int, default=32)
    p.add_argument('--cfg', type=float, default=3.0, help='guidance scale of the teacher (1 = none)')
    p.add_argument('--trajectories', help='folder caching the teacher trajectories (each computed once)')
    p.add_argument('--trajectory-batches', type=int, default=0,
                   help='distinct teacher batches: step k trains on batch k mod N (0: a new one every step)')
    p.set_defaults(batch=12, text_dropout=0.0, lr=1e-4, warmup=50)
    return p.parse_args(argv)


class DistillTrainer(DitTrainer):
    stage = 'distill'

    def build(self):
        cfg, args, device = self.cfg, self.args, self.device
        self.te = TextEncoder(cfg['text_encoder']).to(device)
        self.teacher = DiT(cfg['dit']).to(device)
        self.vae = VAE(cfg['vae']).to(device)
        self.meta = checkpoint.load_into(args.teacher, {'vae': self.vae, 'text_encoder': self.te, 'dit': self.teacher})
        if 'latent_scale' not in self.meta:
            raise SystemExit(f'{args.teacher}: not a train_dit.py checkpoint (no latent_scale)')
        self.dit = copy.deepcopy(self.teacher)
        if args.resume:
            resumed = checkpoint.load_into(args.resume, {'dit': self.dit})
            self.start_step = resumed['step'] if resumed.get('stage') == self.stage else 0
        for m in (self.te, self.teacher, self.vae):
            m.eval().requires_grad_(False)
        steps = cfg['sampler']['steps']
        if args.teacher_steps % steps:
            raise SystemExit(f'--teacher-steps must be a multiple of sampler.steps ({steps})')
        self.meta.update({'teacher_steps': args.teacher_steps, 'teacher_cfg': args.cfg})
        self.trajectories = None
        if getattr(args, 'trajectories', None):
            self.trajectories = TrajectoryCache(args.trajectories, {
                'teacher': os.path.abspath(args.teacher), 'teacher_step': self.meta.get('step'),
                'teacher_steps': args.teacher_steps, 'cfg': args.cfg, 'seed': args.seed})

    def trained(self):
        return {'dit': self.dit}

    def batch(self, step, split='train', seed=None):
        n = getattr(self.args, 'trajectory_batches', 0)
        index = step % n if n and split == 'train' else step
        cache = self.trajectories if split == 'train' else None
        if cache and cache.has(index):
            return cache.load(index, self.device)
        batch = super().batch(index, split, seed)
        with torch.no_grad():
            batch['points'], batch['target'] = self.teacher_trajectory(batch)
        if cache:
            cache.save(index, batch)
        return batch

    @torch.no_grad()
    def teacher_trajectory(self, batch):
        """([x at σ_k for k < steps], x0 at the end) of the teacher's Euler ODE from noise."""
        cfg, b = self.cfg, batch['x0'].shape[0]
        steps, fine = cfg['sampler']['steps'], self.args.teacher_steps
        sigmas = sigma_schedule(fine, cfg['sampler']['shift'])
        mask = batch['mask']
        clean = batch['x0'] * mask
        with autocast(self.device):
            context = text_context(self.te, batch['ids'], batch['tmask']).float()
            null = None
            if self.args.cfg != 1.0:
                ids, tmask = encode_prompts(self.tok, [''] * b, cfg['text_encoder']['text_len'], self.device)
                null = text_context(self.te, ids, tmask).float()
        x = batch['eps']                                                     # σ = 1: given frames are noise too
        points = []
        for i in range(fine):
            if i % (fine // steps) == 0:
                points.append(x)
            with autocast(self.device):
                v = velocity(self.teacher, x, clean, mask, sigmas[i], context, null, self.args.cfg).float()
            x = euler_update(x, v, sigmas[i], sigmas[i + 1], clean, mask)
        return points, x

    def losses(self, batch):
        cfg = self.cfg
        steps = cfg['sampler']['steps']
        sig = sigma_schedule(steps, cfg['sampler']['shift'])[:steps]
        b = batch['x0'].shape[0]
        x = torch.cat(batch['points'])                                        # (steps·B, C, F, h, w)
        sigma = torch.tensor(sig, dtype=torch.float32, device=x.device).repeat_interleave(b)   # (steps·B,)
        mask = batch['mask'].repeat(steps, 1, 1, 1, 1)
        clean = (batch['x0'] * batch['mask']).repeat(steps, 1, 1, 1, 1)
        target = batch['target'].repeat(steps, 1, 1, 1, 1)
        with torch.no_grad(), autocast(self.device):
            context = text_context(self.te, batch['ids'], batch['tmask']).float().repeat(steps, 1, 1)
        with autocast(self.device):
            v = self.dit(x, clean, mask, 1000.0 * sigma, context).float()
        x0 = x - sigma.view(-1, 1, 1, 1, 1) * v
        out = {'loss': masked_mse(x0, target, mask)}
        with torch.no_grad():
            for k in range(steps):
                part = slice(k * b, (k + 1) * b)
                out[f'loss_k{k}'] = masked_mse(x0[part], target[part], mask[part])
        return out

    @torch.no_grad()
    def evaluate(self):
        """Held-out regression loss per σ_k (one batch per bucket)."""
        self.dit.eval()
        totals = {}
        n = len(self.cfg['latent']['aspect_buckets'])
        for i in range(n):
            parts = self.losses(self.batch(i, 'held_out', seed=self.args.seed + 7919))
            for k, v in parts.items():
                totals['val_' + k] = totals.get('val_' + k, 0.0) + float(v) / n
        return totals


def main(argv=None):
    return train_main(argv, DistillTrainer, parse_args)


if __name__ == '__main__':
    main()
