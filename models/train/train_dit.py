"""Train the text encoder and the DiT together, from scratch, by flow matching in the frozen VAE's latents.

Per sample (sample.py has the engine's conventions this must match):
  x0 = VAE encoder mean of a world clip of chunk.latent_frames frames (folded, normalised latents)
  σ = shift·u / (1 + (shift − 1)·u), u ~ U(0, 1), shift = the config's sampler.shift; t = 1000·σ
  x_σ = (1 − σ)·x0 + σ·ε;  target v = ε − x0;  loss = ‖v̂ − v‖² over the generated frames only
  masked frames: mode none / first / last / first+last / context prefix (data.py); the DiT gets
  concat(x_σ, x0·mask, mask). On given frames x_σ is x0 (the engine after its first step) or, for half
  of the samples, the noisy value (the engine's first step, where x is noise everywhere).
  text dropout: the caption becomes '' (the null prompt of classifier-free guidance) with p = 0.1.
Buckets take turns; every step is one bucket. bf16 autocast on CUDA; on the CPU the precision
probe_cpu() measures faster. With --latent-cache (the CPU road) the clips come from a cache of
rendered, encoded world clips (latent_cache.py) instead of being rendered and encoded every step.
With --small-cache and --small-steps N, the first N steps are a low-resolution phase on a cache of
half-size clips (a quarter of the tokens, so ~4x the clips an hour): colour, shape, background and
motion are learnt there, and the full-size steps after it adapt the model to the app's size.

The first stage starts from the trained VAE (--vae <folder>): it measures the latents' per-channel
scale over world clips and folds it into the VAE (latent_scale.py). Every checkpoint holds all three
parts (vae, text_encoder, dit; f32), so a later stage resumes from it alone (--resume <folder>).
Run: /usr/bin/python3 models/train/train_dit.py --config zoetrope-s --vae ckpt/vae --minutes 9 --out $OUT/dit
"""
import argparse
import json
import os
import sys

import torch

import checkpoint
import latent_scale
from config import load_config
from data import (batch_size_for, bucket_at, buckets, drop_captions, encode, sample_masks, world_clips)
from model import DiT, TextEncoder, VAE
from sample import encode_prompts, load_tokenizer, shift_sigma, text_context
from latent_cache import LatentCache, vae_folder
from train_common import (Log, add_stage_args, adamw, autocast, pick_device, probe_cpu, run_loop, step_generator,
                          use_fused_attention)


def add_dit_args(p):
    p.add_argument('--vae', help='VAE checkpoint folder (first stage; later stages --resume)')
    p.add_argument('--init-weights', help='a shipped model folder (models/zoetrope-s) to go on from when the '
                   'checkpoint is gone: its text encoder and DiT (f16), and the step and hours its manifest '
                   'records; the VAE is --vae\'s or the latent cache\'s, and Adam starts afresh (so warms up again)')
    p.add_argument('--tokenizer', help='tokenizer.json (default models/<config>/tokenizer.json)')
    p.add_argument('--batch', type=int, default=32, help='clips per step in the smallest bucket')
    p.add_argument('--text-dropout', type=float, default=0.1)
    p.add_argument('--train-shift', type=float, default=None, help='σ shift of training (default sampler.shift)')
    p.add_argument('--scale-batches', type=int, default=8, help='batches per bucket for the latent scale')
    p.add_argument('--eval-clips', type=int, default=8)
    p.add_argument('--weight-decay', type=float, default=0.01)
    p.add_argument('--compile', action='store_true', help='torch.compile the text encoder and DiT for training '
                   '(PyTorch 2; models/train/README.md has the step time with and without, side by side)')
    p.add_argument('--latent-cache', help='folder of latent_cache.py (its vae/ is the VAE; no rendering per step)')
    p.add_argument('--small-cache', help='a latent cache of smaller clips (latent_cache.py --scale 0.5), made with '
                   'the same VAE, for a low-resolution phase: steps below --small-steps draw from it')
    p.add_argument('--small-steps', type=int, default=0, help='length of the low-resolution phase, in steps')
    p.add_argument('--small-batch', type=int, default=None,
                   help='clips per step in the low-resolution phase (default: 2 x --batch; 1/4 of the tokens each)')
    p.add_argument('--small-shift', type=float, default=None,
                   help='σ shift of the low-resolution phase (default: --train-shift). A quarter of the tokens '
                        'carry the same picture at a lower noise level, so a smaller shift (SD3: shift ∝ '
                        '√tokens) spends the phase where its objects form rather than at pure noise')
    p.add_argument('--data-reuse', type=int, default=1,
                   help='steps that share one rendered, encoded batch (fresh noise, σ and masks each step)')
    return p


def parse_args(argv):
    return add_dit_args(add_stage_args(argparse.ArgumentParser(description=__doc__.split('\n')[0]))).parse_args(argv)


@torch.no_grad()
def init_for_training(te, dit, seed):
    """DiT: adaLN-Zero (timestep modulation and head start at zero, so every block starts as the
    identity and the output as 0). Text encoder: T5's init (q scaled by (dim·head_dim)^-1/2, since T5
    attention has no 1/sqrt(d) of its own)."""
    torch.manual_seed(seed)
    nn = torch.nn
    nn.init.zeros_(dit.time_projection[1].weight)
    nn.init.zeros_(dit.time_projection[1].bias)
    for block in dit.blocks:
        nn.init.zeros_(block.modulation)
    nn.init.zeros_(dit.head.modulation)
    nn.init.zeros_(dit.head.head.weight)
    nn.init.zeros_(dit.head.head.bias)
    cfg = te.cfg
    for block in te.blocks:
        nn.init.normal_(block.attn.q.weight, std=(cfg['dim'] * cfg['head_dim']) ** -0.5)
        nn.init.normal_(block.attn.k.weight, std=cfg['dim'] ** -0.5)
        nn.init.normal_(block.attn.v.weight, std=cfg['dim'] ** -0.5)


def load_vae(folder, cfg, device):
    """(frozen VAE, its checkpoint meta)."""
    vae = VAE(cfg['vae']).to(device)
    meta = checkpoint.load_into(folder, {'vae': vae})
    vae.eval().requires_grad_(False)
    return vae, meta


def fold_latent_scale(vae, cfg, args, device):
    """Measure the latents' per-channel RMS on world clips of every bucket and fold it into the VAE."""
    return latent_scale.measure_and_fold(cfg, vae, args.seed, args.scale_batches, args.batch, device)


class DitTrainer:
    """Flow-matching training of text encoder + DiT; subclassed by the few-step distillation."""
    stage = 'dit'

    def __init__(self, cfg, args, device):
        self.cfg, self.args, self.device = cfg, args, device
        self.fused = device.type == 'cuda' and use_fused_attention()
        self.tok = load_tokenizer(cfg, args.tokenizer)
        self.shift = args.train_shift or cfg['sampler']['shift']
        self.start_step, self.meta = 0, {}
        self.cache = LatentCache(args.latent_cache) if getattr(args, 'latent_cache', None) else None
        self.small_cache = LatentCache(args.small_cache) if getattr(args, 'small_cache', None) else None
        if self.small_cache and not self.cache:
            raise SystemExit('--small-cache needs --latent-cache (the phase after it, and the VAE both share)')
        self.build()
        # What a training step calls (checkpoints keep the modules). One static graph per aspect bucket
        # (~100 s each to build here, then kept in inductor's on-disk cache across restarts): the
        # dynamic-shape graph PyTorch otherwise recompiles to at the second bucket took 190 s to build.
        self.te_fn, self.dit_fn = self.te, self.dit
        if getattr(args, 'compile', False) and hasattr(torch, 'compile'):
            self.te_fn, self.dit_fn = torch.compile(self.te, dynamic=False), torch.compile(self.dit, dynamic=False)
        self.base_lr = args.lr or 3e-4
        params = [p for m in self.trained().values() for p in m.parameters()]
        self.opt = adamw(params, self.base_lr, args.weight_decay)
        if args.resume and self.meta.get('stage') == self.stage and checkpoint.load_optimizer(args.resume, self.opt):
            self.warmup_from = 0                                          # Adam's moments go on: so does the schedule

    def build(self):
        cfg, args, device = self.cfg, self.args, self.device
        torch.manual_seed(args.seed)                                      # the initial weights are the seed's too
        self.te = TextEncoder(cfg['text_encoder']).to(device)
        self.dit = DiT(cfg['dit']).to(device)
        init_for_training(self.te, self.dit, args.seed)
        self.vae = VAE(cfg['vae']).to(device)
        if args.resume:
            self.meta = checkpoint.load_into(args.resume, self.parts())
            self.start_step = self.meta['step'] if self.meta.get('stage') == self.stage else 0
        elif args.vae or self.cache:
            vae_meta = checkpoint.load_into(args.vae or vae_folder(self.cache.folder), {'vae': self.vae})
            self.meta.update({k: vae_meta[k] for k in ('latent_scale', 'latent_mean') if k in vae_meta})
            if getattr(args, 'init_weights', None):
                self.init_from_shipped(args.init_weights)
        else:
            raise SystemExit('train_dit.py needs --vae <folder> (first stage) or --resume <folder>')
        self.vae.eval().requires_grad_(False)
        if 'latent_scale' not in self.meta:
            self.meta.update(fold_latent_scale(self.vae, cfg, args, device))

    def init_from_shipped(self, model_dir):
        """Text encoder and DiT from a shipped folder (its f16 weights), resuming its step and hours."""
        from export_zoetrope_s import load_model_dir
        cfg, shipped = load_model_dir(model_dir)
        if cfg['name'] != self.cfg['name']:
            raise SystemExit(f'{model_dir} holds {cfg["name"]}, not {self.cfg["name"]}')
        for part, module in self.trained().items():
            module.load_state_dict(shipped[part].state_dict())
        with open(os.path.join(model_dir, 'manifest.json')) as f:
            training = json.load(f).get('training', {})
        if training.get('stage') == self.stage:
            self.start_step = training['step']
            self.meta.update({k: training[k] for k in ('machine_seconds', 'schedule') if k in training})

    def parts(self):
        return {'vae': self.vae, 'text_encoder': self.te, 'dit': self.dit}

    def trained(self):
        return {'text_encoder': self.te, 'dit': self.dit}

    def clips(self, index, split, seed):
        """(latents x0 (B, C, F, h, w), captions) of data batch `index`: a function of (seed, index);
        with --data-reuse R, steps k with k // R == index share it (the last one is cached)."""
        key = (index, split, seed)
        if getattr(self, '_clips_key', None) != key:
            cfg = self.cfg
            g = step_generator(seed, index)
            _, hw = bucket_at(cfg, index)
            small = self.in_small_phase(index) and split == 'train'
            b = batch_size_for(cfg, hw, self.small_batch() if small else self.args.batch)
            frames = cfg['chunk']['latent_frames'] * cfg['latent']['temporal_factor']
            if self.cache and split == 'train':
                name, _ = bucket_at(cfg, index)
                x0, captions = (self.small_cache if small else self.cache).draw(name, b, frames, g)
                self._clips_key, self._clips = key, (x0.to(self.device), captions)
                return self._clips
            with autocast(self.device):
                video, captions = world_clips(cfg, b, hw, frames, g, self.device, split)
                x0 = encode(self.vae, video)                                  # (B, C, F, h, w) f32
            self._clips_key, self._clips = key, (x0, captions)
        return self._clips

    def in_small_phase(self, index):
        """Whether data batch `index` belongs to the low-resolution phase (the first --small-steps steps)."""
        reuse = max(1, getattr(self.args, 'data_reuse', 1))
        return self.small_cache is not None and index * reuse < getattr(self.args, 'small_steps', 0)

    def shift_at(self, index, split):
        """The σ shift data batch `index` trains at: --small-shift in the low-resolution phase."""
        small = getattr(self.args, 'small_shift', None)
        if small and split == 'train' and self.in_small_phase(index):
            return small
        return self.shift

    def small_batch(self):
        return self.args.small_batch or 2 * self.args.batch

    def batch(self, step, split='train', seed=None):
        """Everything random about step `step`: its data batch and its own noise, σ, masks, dropout."""
        cfg = self.cfg
        seed = self.args.seed if seed is None else seed
        reuse = max(1, self.args.data_reuse) if split == 'train' else 1
        x0, captions = self.clips(step // reuse, split, seed)
        b = x0.shape[0]
        g = step_generator(seed + 1, step)
        captions = drop_captions(captions, self.args.text_dropout if split == 'train' else 0.0, g)
        ids, tmask = encode_prompts(self.tok, captions, cfg['text_encoder']['text_len'], self.device)
        _, _, f, h, w = x0.shape
        mask, modes = sample_masks(b, f, h, w, cfg['chunk']['context_latent_frames'], g, self.device)
        u = torch.rand(b, generator=g).to(self.device)
        eps = torch.randn(x0.shape, generator=g).to(self.device)
        noisy_given = (torch.rand(b, generator=g) < 0.5).to(self.device)
        return {'x0': x0, 'ids': ids, 'tmask': tmask, 'mask': mask, 'modes': modes, 'captions': captions,
                'sigma': shift_sigma(u, self.shift_at(step // reuse, split)), 'eps': eps, 'noisy_given': noisy_given}

    def losses(self, batch):
        x0, mask, eps = batch['x0'], batch['mask'], batch['eps']
        sigma = batch['sigma'].view(-1, 1, 1, 1, 1)
        xt = (1 - sigma) * x0 + sigma * eps
        keep_clean = mask * (~batch['noisy_given']).float().view(-1, 1, 1, 1, 1)
        xt = torch.where(keep_clean == 1, x0, xt)
        # Held-out evaluation (no gradients) runs eager: a compiled graph would recompile for it.
        te, dit = (self.te_fn, self.dit_fn) if torch.is_grad_enabled() else (self.te, self.dit)
        with autocast(self.device):
            context = text_context(te, batch['ids'], batch['tmask'])
            v = dit(xt, x0 * mask, mask, 1000.0 * batch['sigma'], context).float()
        return {'loss': masked_mse(v, eps - x0, mask)}

    def step(self, step, lr):
        return self.train_on(self.batch(step), lr)

    def train_on(self, batch, lr):
        for m in self.trained().values():
            m.train()
        for group in self.opt.param_groups:
            group['lr'] = lr
        parts = self.losses(batch)
        self.opt.zero_grad(set_to_none=True)
        parts['loss'].backward()
        parts['grad_norm'] = torch.nn.utils.clip_grad_norm_(
            [p for m in self.trained().values() for p in m.parameters()], 1.0)
        self.opt.step()
        return {k: float(v.detach()) if torch.is_tensor(v) else float(v) for k, v in parts.items()}

    @torch.no_grad()
    def evaluate(self):
        """Held-out flow-matching loss at fixed σ (one batch per bucket): comparable across stages."""
        for m in self.trained().values():
            m.eval()
        out = {}
        for sigma in (0.3, 0.6, 0.9):
            total = 0.0
            for i in range(len(buckets(self.cfg))):
                batch = self.batch(i, 'held_out', seed=self.args.seed + 7919)
                batch['sigma'] = torch.full_like(batch['sigma'], sigma)
                total += float(self.losses(batch)['loss'])
            out[f'val_loss_s{sigma}'] = total / len(buckets(self.cfg))
        return out

    def save(self, folder, step):
        a = self.args
        # The low-resolution phase's length is recorded even after its cache is gone (clips seen count it).
        small_steps = getattr(a, 'small_steps', 0) or 0
        schedule = {'batch': a.batch, 'small_batch': self.small_batch() if small_steps else None,
                    'small_steps': small_steps,
                    'data_reuse': max(1, getattr(a, 'data_reuse', 1)), 'shift': self.shift,
                    'small_shift': getattr(a, 'small_shift', None)}
        meta = {**self.meta, 'stage': self.stage, 'step': step, 'config': self.cfg['name'], 'schedule': schedule}
        if hasattr(self, 'run_seconds'):
            meta['machine_seconds'] = round(self.meta.get('machine_seconds', 0.0) + self.run_seconds, 1)
        checkpoint.save(folder, self.parts(), meta, optimizer=self.opt)


def masked_mse(pred, target, mask):
    """Mean squared error over the generated (mask = 0) latent frames, all channels."""
    keep = (1 - mask).expand_as(pred)
    return ((pred - target).pow(2) * keep).sum() / keep.sum().clamp_min(1)


def main(argv=None, trainer_class=DitTrainer, parse=parse_args):
    args = parse(sys.argv[1:] if argv is None else argv)
    cfg = load_config(args.config)
    device = pick_device(args.device)
    probe = probe_cpu() if device.type == 'cpu' else None
    trainer = trainer_class(cfg, args, device)
    log = Log(args.out, args.quiet)
    log(event='start', stage=trainer.stage, config=cfg['name'], device=str(device), step=trainer.start_step, cpu=probe,
        cache_clips=trainer.cache.clips() if trainer.cache else None,
        params={k: sum(p.numel() for p in m.parameters()) for k, m in trainer.trained().items()},
        fused_attention=trainer.fused, latent_scale=trainer.meta.get('latent_scale'))
    return run_loop(trainer, args, log, lambda step: trainer.save(args.out, step))


if __name__ == '__main__':
    main()
