"""Held-out reconstruction quality of a VAE checkpoint: PSNR per aspect bucket and per style, a PNG of
reconstructions beside their originals, and the figures in models/<config>/metrics.json ("vae").

    python3 models/train/eval_vae.py --vae models/zoetrope-s/vae.safetensors [--clips 60] [--write-metrics]

Held-out split (scenes with a held-out combination, never trained on), full frames of every bucket,
decoding the encoder's mean as inference does. PSNR is per frame over [-1, 1] (peak-to-peak 2) and
averaged over frames: the figure train_vae.py logs at the end of a stage.
"""
import argparse
import json
import os
import sys

import torch

import checkpoint
import safetensors_io as st
from config import load_config
from data import buckets
from model import VAE
from train_common import ensure_path, probe_cpu, step_generator
from train_vae import psnr
from vae import batch_to_frames, frames_to_batch

ensure_path()

from world import sample_batch  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


@torch.no_grad()
def evaluate(cfg, vae, clips_per_bucket, frames=2, seed=7919, batch=4):
    """({'psnr_db_heldout', 'psnr_db_by_bucket', 'psnr_db_by_style', 'frames'}, [(original, reconstruction)])."""
    c = cfg['vae']['latent_channels']
    by_bucket, by_style, pairs = {}, {}, []
    for i, (name, (h, w)) in enumerate(buckets(cfg)):
        g = step_generator(seed, i)
        for start in range(0, clips_per_bucket, batch):
            n = min(batch, clips_per_bucket - start)
            video, _, specs = sample_batch(n, h, w, frames, cfg['latent']['frame_rate'], g, split='held_out')
            images = frames_to_batch(video)
            rec = vae.decoder(vae.encoder(images)[:, :c]).clamp(-1, 1)
            scores = psnr(rec, images).view(n, frames)                            # (clips, frames)
            for spec, row in zip(specs, scores):
                by_style.setdefault(spec.style, []).extend(row.tolist())
                by_bucket.setdefault(name, []).extend(row.tolist())
            if name == '1:1' and start == 0:
                pairs += list(zip(batch_to_frames(images, n)[:, :, 0], batch_to_frames(rec, n)[:, :, 0]))
    every = [x for v in by_bucket.values() for x in v]
    mean = lambda v: round(sum(v) / len(v), 2)
    return ({'psnr_db_heldout': mean(every), 'psnr_db_by_bucket': {k: mean(v) for k, v in by_bucket.items()},
             'psnr_db_by_style': {k: mean(v) for k, v in sorted(by_style.items())}, 'frames': len(every)}, pairs)


def save_pairs_png(pairs, path):
    """Originals on the top row, reconstructions below (1:1 frames, side by side)."""
    from PIL import Image
    to_u8 = lambda x: ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).numpy()
    top = torch.cat([p[0] for p in pairs], dim=2)
    bottom = torch.cat([p[1] for p in pairs], dim=2)
    Image.fromarray(to_u8(torch.cat([top, bottom], dim=1))).save(path, optimize=True)


def metrics_path(cfg_name):
    return os.path.join(ROOT, 'models', cfg_name, 'metrics.json')


def read_metrics(cfg_name):
    path = metrics_path(cfg_name)
    return json.load(open(path)) if os.path.exists(path) else {}


def update_metrics(cfg_name, section, values):
    """Merge values into one section of models/<config>/metrics.json (other sections kept)."""
    path = metrics_path(cfg_name)
    metrics = read_metrics(cfg_name)
    metrics.setdefault(section, {}).update(values)
    with open(path, 'w') as f:
        json.dump(metrics, f, indent=1, sort_keys=True)
        f.write('\n')
    return path


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', default='zoetrope-s')
    p.add_argument('--vae', required=True, help='a checkpoint folder, or a shipped vae.safetensors (f16)')
    p.add_argument('--clips', type=int, default=60, help='held-out clips per bucket')
    p.add_argument('--png', help='where to write the reconstructions (default: models/<config>/samples/vae_reconstructions.png)')
    p.add_argument('--write-metrics', action='store_true', help='record the figures in models/<config>/metrics.json')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    probe_cpu(seconds=0.2, n=512)
    cfg = load_config(args.config)
    vae = VAE(cfg['vae']).eval()
    meta = load_vae(args.vae, vae)
    result, pairs = evaluate(cfg, vae, args.clips)
    result['step'] = meta.get('step')
    if 'machine_seconds' in meta:
        result['machine_hours'] = round(meta['machine_seconds'] / 3600, 2)
    png = args.png or os.path.join(ROOT, 'models', args.config, 'samples', 'vae_reconstructions.png')
    save_pairs_png(pairs[:6], png)
    if args.write_metrics:
        row = {k: result[k] for k in ('step', 'machine_hours', 'psnr_db_heldout') if k in result}
        curve = [r for r in read_metrics(args.config).get('vae', {}).get('learning_curve', []) if r.get('step') != row.get('step')]
        update_metrics(args.config, 'vae', {**result, 'learning_curve': curve + [row]})
        update_metrics(args.config, 'geometry', geometry(cfg))
    print(json.dumps(result, indent=1))
    return result


def load_vae(path, vae):
    """Weights from a checkpoint folder or a shipped f16 file; returns the meta (step, machine time)."""
    if os.path.isdir(path):
        return checkpoint.load_into(path, {'vae': vae})
    tensors, metadata = st.load(path)
    vae.load_state_dict({k: v.float() for k, v in tensors.items()})
    return {k: json.loads(metadata[k]) for k in ('step', 'machine_seconds') if k in metadata}


def geometry(cfg):
    lat, (pt, ph, pw) = cfg['latent'], cfg['dit']['patch']
    h, w = lat['aspect_buckets']['1:1']
    s = lat['spatial_factor']
    return {'dit_tokens_per_window_1x1': cfg['chunk']['latent_frames'] // pt * (h // s // ph) * (w // s // pw),
            'spatial_factor': s, 'latent_channels': lat['channels'], 'latent_frames_per_window': cfg['chunk']['latent_frames']}


if __name__ == '__main__':
    main()
