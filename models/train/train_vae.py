"""Train the VAE (frame by frame) on world clips of every aspect bucket.

Loss per image: L1 + L2 of the reconstruction from a sampled latent, + a small KL to N(0, 1) (keeps
the latent space smooth and bounded for the DiT), + an edge term (L1 between the images' horizontal
and vertical differences: the world is flat colour and hard edges, and a blurry edge costs little
in L2 but much in the judge's shape descriptors). bf16 autocast on CUDA; on the CPU the precision
probe_cpu() measures faster. With --crop S (the CPU default), each rendered frame gives one random
S×S crop: the VAE is convolutional, so crops teach it the same maps at a quarter of a 256² frame's
cost, and a batch holds twice as many scenes as full frames would.

With --decoder-only the encoder is frozen and only the decoder learns: the latents a DiT trains on
stay as they are while its reconstructions get sharper (the stage after the encoder is final).

One stage: /usr/bin/python3 models/train/train_vae.py --config zoetrope-s --minutes 9 --out $OUT/vae
[--resume <checkpoint folder>]. Writes <out>/weights-*.safetensors (weights only, f32) every
--ckpt-every steps and at the end, and <out>/log.jsonl (loss; held-out PSNR in dB at the end).
"""
import argparse
import json
import math
import os
import sys

import torch

import checkpoint
import safetensors_io as st
from config import load_config
from data import batch_size_for, bucket_at, buckets, world_clips
from train_common import (Log, add_stage_args, adamw, autocast, pick_device, probe_cpu, run_loop,
                          step_generator)
from vae import VAE, frames_to_batch


def parse_args(argv):
    p = add_stage_args(argparse.ArgumentParser(description=__doc__.split('\n')[0]))
    p.add_argument('--batch', type=int, default=12, help='clips per step in the smallest bucket')
    p.add_argument('--frames', type=int, default=2, help='frames per clip (the VAE sees each frame alone)')
    p.add_argument('--kl', type=float, default=1e-4)
    p.add_argument('--edge', type=float, default=0.25)
    p.add_argument('--eval-clips', type=int, default=8, help='held-out clips per bucket for the PSNR')
    p.add_argument('--init-weights', help='start from a shipped vae.safetensors (f16) or a checkpoint folder, at the '
                   'step in its metadata, when the training checkpoint is gone (Adam restarts with a warm-up)')
    p.add_argument('--deterministic', action='store_true',
                   help='decode the encoder mean (no posterior sample): faster to sharpen; the KL still bounds the latents')
    p.add_argument('--crop', type=int, default=None,
                   help='train on random crops of this side (default: 128 on the CPU, none on CUDA)')
    p.add_argument('--crops-per-frame', type=int, default=1,
                   help='with --crop: crops cut from each rendered frame; the step renders --batch / this many '
                        'clips, so it still trains on batch x frames crops (the render is a third of a CPU step)')
    p.add_argument('--decoder-only', action='store_true',
                   help='train the decoder alone, the encoder frozen: the latents (and a DiT trained on them) stay '
                        'valid while the reconstructions improve. Start it with --init-weights <folded VAE>')
    p.add_argument('--compile', action='store_true',
                   help='torch.compile the encoder and decoder for training (PyTorch 2; 1.6x faster on a CPU step here)')
    return p.parse_args(argv)


def edge_l1(a, b):
    """L1 between horizontal and vertical neighbour differences of two image batches (N, 3, H, W)."""
    dx = lambda x: x[..., :, 1:] - x[..., :, :-1]
    dy = lambda x: x[..., 1:, :] - x[..., :-1, :]
    return (dx(a) - dx(b)).abs().mean() + (dy(a) - dy(b)).abs().mean()


def psnr(reconstruction, target):
    """Per-image PSNR in dB for images in [-1, 1] (peak-to-peak 2): (N,)."""
    mse = (reconstruction.clamp(-1, 1) - target).pow(2).flatten(1).mean(dim=1)
    return 10 * torch.log10(4.0 / mse.clamp_min(1e-10))


class VaeTrainer:
    def __init__(self, cfg, args, device):
        self.cfg, self.args, self.device = cfg, args, device
        torch.manual_seed(args.seed)
        self.vae = VAE(cfg['vae']).to(device)
        self.start_step, self.meta = 0, {}
        self.base_lr = args.lr or 2e-4
        if args.decoder_only:
            self.vae.encoder.requires_grad_(False)
        self.opt = adamw([p for p in self.vae.parameters() if p.requires_grad], self.base_lr)
        self.crop = args.crop if args.crop is not None else default_crop(cfg, device)
        self.encoder, self.decoder = self.vae.encoder, self.vae.decoder           # what training calls
        if args.compile and hasattr(torch, 'compile'):
            self.encoder, self.decoder = torch.compile(self.encoder), torch.compile(self.decoder)
        if args.init_weights and not args.resume:
            self.meta = load_weights(args.init_weights, self.vae)
            self.start_step = self.meta.get('step', 0)
        if args.resume:
            self.meta = checkpoint.load_into(args.resume, {'vae': self.vae})
            self.start_step = self.meta['step']
            if checkpoint.load_optimizer(args.resume, self.opt):
                self.warmup_from = 0                                      # Adam's moments go on: so does the schedule

    def batch(self, step, split='train'):
        """(images (N, 3, H, W), generator for the latent noise): a function of (seed, step)."""
        g = step_generator(self.args.seed, step)
        _, hw = bucket_at(self.cfg, step)
        per_frame = max(1, self.args.crops_per_frame) if self.crop else 1
        batch = self.args.batch // per_frame if self.crop else batch_size_for(self.cfg, hw, self.args.batch)
        video, _ = world_clips(self.cfg, batch, hw, self.args.frames, g, self.device, split)
        images = frames_to_batch(video)
        if self.crop:
            images = random_crops(images.repeat_interleave(per_frame, dim=0), self.crop, g)
        return images, g

    def losses(self, images, g):
        c = self.cfg['vae']['latent_channels']
        with autocast(self.device):
            with torch.set_grad_enabled(torch.is_grad_enabled() and not self.args.decoder_only):
                moments = self.encoder(images).float()
            mean, logvar = moments[:, :c], moments[:, c:].clamp(-30.0, 20.0)
            z = mean
            if not self.args.deterministic:
                z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g).to(mean.device)
            rec = self.decoder(z).float()
        l1 = (rec - images).abs().mean()
        l2 = (rec - images).pow(2).mean()
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).mean()
        edge = edge_l1(rec, images)
        loss = l1 + l2 + self.args.kl * kl + self.args.edge * edge
        return {'loss': loss, 'l1': l1, 'l2': l2, 'kl': kl, 'edge': edge}

    def step(self, step, lr):
        images, g = self.batch(step)
        return self.train_on(images, g, lr)

    def train_on(self, images, g, lr):
        self.vae.train()
        if self.args.decoder_only:
            self.vae.encoder.eval()
        for group in self.opt.param_groups:
            group['lr'] = lr
        parts = self.losses(images, g)
        self.opt.zero_grad(set_to_none=True)
        parts['loss'].backward()
        torch.nn.utils.clip_grad_norm_([p for p in self.vae.parameters() if p.requires_grad], 1.0)
        self.opt.step()
        return {k: float(v.detach()) if torch.is_tensor(v) else float(v) for k, v in parts.items()}

    @torch.no_grad()
    def evaluate(self):
        """Held-out PSNR (dB) per bucket, decoding the encoder's mean (as inference does)."""
        self.vae.eval()
        c, out = self.cfg['vae']['latent_channels'], {}
        for i, (name, hw) in enumerate(buckets(self.cfg)):
            g = step_generator(self.args.seed + 7919, i)
            video, _ = world_clips(self.cfg, self.args.eval_clips, hw, self.args.frames, g, self.device, 'held_out')
            images = frames_to_batch(video)
            rec = self.vae.decoder(self.vae.encoder(images)[:, :c])
            out[f'psnr_{name}'] = float(psnr(rec.float(), images).mean())
        out['psnr'] = sum(out.values()) / len(out)
        return out

    def save(self, folder, step):
        # a folded VAE's scale goes on with it (the decoder-only stage starts from the latent cache's copy)
        meta = {**{k: self.meta[k] for k in FOLDED_KEYS if k in self.meta},
                'stage': 'vae', 'step': step, 'config': self.cfg['name']}
        if hasattr(self, 'run_seconds'):
            meta['machine_seconds'] = round(self.meta.get('machine_seconds', 0.0) + self.run_seconds, 1)
        checkpoint.save(folder, {'vae': self.vae}, meta, optimizer=self.opt)


FOLDED_KEYS = ('latent_scale', 'latent_mean')


def load_weights(path, vae):
    """A shipped f16 vae.safetensors or a checkpoint folder into vae; returns its meta (step, machine
    time, and the latent scale where it was folded in)."""
    if os.path.isdir(path):
        meta = checkpoint.load_into(path, {'vae': vae})
        return {k: meta[k] for k in ('step', 'machine_seconds', *FOLDED_KEYS) if k in meta}
    tensors, metadata = st.load(path)
    vae.load_state_dict({k: v.float() for k, v in tensors.items()})
    return {k: json.loads(metadata[k]) for k in ('step', 'machine_seconds', *FOLDED_KEYS) if k in metadata}


def default_crop(cfg, device, side=128):
    """128² crops on the CPU where every bucket is at least twice that on its short side, else none."""
    shortest = min(min(hw) for hw in cfg['latent']['aspect_buckets'].values())
    return side if device.type == 'cpu' and shortest >= 2 * side else 0


def random_crops(images, side, g):
    """One side×side crop of each image (N, 3, H, W), at positions drawn from g."""
    n, _, h, w = images.shape
    ys = torch.randint(0, h - side + 1, (n,), generator=g)
    xs = torch.randint(0, w - side + 1, (n,), generator=g)
    return torch.stack([images[i, :, y:y + side, x:x + side] for i, (y, x) in enumerate(zip(ys.tolist(), xs.tolist()))])


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    cfg = load_config(args.config)
    device = pick_device(args.device)
    probe = probe_cpu() if device.type == 'cpu' else None
    trainer = VaeTrainer(cfg, args, device)
    log = Log(args.out, args.quiet)
    log(event='start', stage='vae', config=cfg['name'], device=str(device), step=trainer.start_step,
        params=sum(p.numel() for p in trainer.vae.parameters()), cpu=probe)
    return run_loop(trainer, args, log, lambda step: trainer.save(args.out, step))


if __name__ == '__main__':
    main()
