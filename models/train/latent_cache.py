"""World clips rendered and VAE-encoded once, kept on disk as latents, reused across epochs.

Why: on a 2-core CPU the world renders ~60 frames/s at 256² and the VAE encoder (0.9 GFLOP a frame)
encodes ~45, while the DiT trains on ~45 frames/s: drawing fresh clips every step would spend more
time on data than on the model. A clip of `frames` frames is stored once; every time it is drawn it
gets a fresh window offset, caption paraphrase (the scene spec is stored, the caption re-drawn),
mask mode, σ and noise, so no two draws of a clip are the same training sample.

Layout: <folder>/vae/ holds the VAE checkpoint the latents were made with (latent scale folded in);
<folder>/shard-00000.safetensors ... each hold 'latents' (N, C, F, h, w) in f16 for one aspect bucket
(buckets take turns shard by shard) and the N scene specs as JSON in the metadata. Shard k is a
function of (seed, k) alone; building skips the shards already there, so it resumes after a kill,
and a later call with more shards grows the cache.
"""
import dataclasses
import json
import os
import time

import torch

import checkpoint
import safetensors_io as st
from data import buckets, encode
from train_common import ensure_path, step_generator

ensure_path()

from world import caption, render, sample_scene  # noqa: E402
from world.spec import ObjectSpec, SceneSpec  # noqa: E402

VAE_FOLDER = 'vae'


def shard_path(folder, k):
    return os.path.join(folder, f'shard-{k:05d}.safetensors')


def spec_to_json(spec):
    return dataclasses.asdict(spec)


def spec_from_json(d):
    tuples = lambda v: tuple(tuples(x) for x in v) if isinstance(v, list) else v
    objects = [ObjectSpec(**{k: tuples(v) for k, v in o.items()}) for o in d['objects']]
    return SceneSpec(**{**{k: tuples(v) for k, v in d.items() if k != 'objects'}, 'objects': objects})


@torch.no_grad()
def scaled(hw, scale, multiple=32):
    """A bucket's (height, width) times scale, kept a multiple of spatial_factor × patch."""
    return tuple(max(multiple, round(s * scale / multiple) * multiple) for s in hw)


def build_shard(cfg, vae, folder, k, clips, frames, seed, scale=1.0):
    """Render and encode shard k (bucket k mod #buckets, its size times scale) and write it atomically."""
    name, hw = buckets(cfg)[k % len(buckets(cfg))]
    h, w = scaled(hw, scale, cfg['latent']['spatial_factor'] * cfg['dit']['patch'][1])
    g = step_generator(seed, k)
    specs = [sample_scene(g, 'train') for _ in range(clips)]
    video = render(specs, h, w, frames, cfg['latent']['frame_rate'])            # (N, 3, F, H, W)
    # Encoded 4 clips at a time: measured 87 frames/s against 54 for all 32 at once (256², 2 cores),
    # the activations of a whole shard falling out of cache.
    latents = torch.cat([encode(vae, part) for part in video.split(4)]).to(torch.float16).contiguous()  # (N, C, F, h, w)
    tmp = shard_path(folder, k) + '.tmp'
    st.save(tmp, {'latents': latents}, {'bucket': name, 'specs': json.dumps([spec_to_json(s) for s in specs])})
    os.replace(tmp, shard_path(folder, k))


def build(cfg, vae, folder, shards, clips_per_shard=32, frames=8, seed=0, log=print, scale=1.0):
    """Shards 0 .. shards-1 (those missing). The VAE must already have its latent scale folded.
    scale < 1 renders smaller clips (scale 0.5: 128 px short side, 64 DiT tokens a window): a
    low-resolution phase of training sees 4x the clips per hour (models/train/README.md)."""
    os.makedirs(folder, exist_ok=True)
    done = 0
    start = time.monotonic()
    for k in range(shards):
        if os.path.exists(shard_path(folder, k)):
            continue
        build_shard(cfg, vae, folder, k, clips_per_shard, frames, seed, scale)
        done += 1
        if done % 10 == 0:
            s = time.monotonic() - start
            log(f'latent cache: shard {k + 1}/{shards}, {done * clips_per_shard * frames / s:.1f} frames/s')
    return done


class LatentCache:
    """Every shard of a cache folder in memory, by bucket: {bucket: (latents (N, C, F, h, w) f16, [spec])}."""

    def __init__(self, folder, max_shards=None):
        self.folder = folder
        by_bucket = {}
        k = 0
        while os.path.exists(shard_path(folder, k)) and (max_shards is None or k < max_shards):
            tensors, meta = st.load(shard_path(folder, k))
            lat, specs = by_bucket.setdefault(meta['bucket'], ([], []))
            lat.append(tensors['latents'])
            specs.extend(spec_from_json(d) for d in json.loads(meta['specs']))
            k += 1
        if not by_bucket:
            raise FileNotFoundError(f'no latent cache shards in {folder}')
        self.shards = k
        self.buckets = {b: (torch.cat(lat), specs) for b, (lat, specs) in by_bucket.items()}

    def clips(self):
        return sum(len(specs) for _, specs in self.buckets.values())

    def frames(self):
        return next(iter(self.buckets.values()))[0].shape[2]

    def draw(self, bucket, n, window, generator):
        """(x0 (n, C, window, h, w) f32, captions): clips, window offsets and paraphrases from generator."""
        latents, specs = self.buckets[bucket]
        idx = torch.randint(0, latents.shape[0], (n,), generator=generator)
        offsets = torch.randint(0, latents.shape[2] - window + 1, (n,), generator=generator)
        x0 = torch.stack([latents[i, :, o:o + window] for i, o in zip(idx.tolist(), offsets.tolist())]).float()
        return x0, [caption(specs[i], generator) for i in idx.tolist()]


def vae_folder(folder):
    return os.path.join(folder, VAE_FOLDER)


def save_vae(folder, vae, meta):
    checkpoint.save(vae_folder(folder), {'vae': vae}, meta)


def main(argv=None):
    """python3 models/train/latent_cache.py --vae .cache/train/vae --out .cache/train/latents --shards 300"""
    import argparse
    import sys

    import latent_scale
    from config import load_config
    from model import VAE
    from train_common import probe_cpu

    p = argparse.ArgumentParser(description='Render and encode world clips into a latent cache')
    p.add_argument('--config', default='zoetrope-s')
    p.add_argument('--vae', required=True, help='trained VAE checkpoint folder (scale folded here), or a shipped '
                   'vae.safetensors (scale folded in at export)')
    p.add_argument('--out', required=True)
    p.add_argument('--shards', type=int, required=True)
    p.add_argument('--clips-per-shard', type=int, default=32)
    p.add_argument('--frames', type=int, default=8)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--scale', type=float, default=1.0, help='clip size times this (0.5: 128 px short side)')
    p.add_argument('--scale-batches', type=int, default=4, help='batches per bucket for the latent scale')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    print('cpu', probe_cpu(), flush=True)
    cfg = load_config(args.config)
    vae = VAE(cfg['vae']).eval().requires_grad_(False)
    if os.path.isdir(vae_folder(args.out)):
        meta = checkpoint.load_into(vae_folder(args.out), {'vae': vae})
    elif os.path.isfile(args.vae):                                       # a shipped vae.safetensors: folded already
        from train_vae import load_weights
        meta = load_weights(args.vae, vae)
        if 'latent_scale' not in meta:
            raise SystemExit(f'{args.vae} has no latent_scale in its metadata: give the training checkpoint folder')
        save_vae(args.out, vae, meta)
    elif 'latent_scale' in checkpoint.load(args.vae)[1]:                # another cache's vae/: folded already
        meta = checkpoint.load_into(args.vae, {'vae': vae})
        save_vae(args.out, vae, meta)
    else:
        meta = {**checkpoint.load_into(args.vae, {'vae': vae}), **latent_scale.measure_and_fold(cfg, vae, args.seed, args.scale_batches)}
        save_vae(args.out, vae, meta)
        print('latent scale folded:', meta['latent_scale'], flush=True)
    n = build(cfg, vae, args.out, args.shards, args.clips_per_shard, args.frames, args.seed,
              log=lambda m: print(m, flush=True), scale=args.scale)
    print(f'latent cache: {n} new shards in {args.out}', flush=True)


if __name__ == '__main__':
    main()
