"""Evaluate a trained model with the judge: the shipped sampler against the 32-step reference.

For held-in and held-out prompts (the world's 'train' and 'held_out' splits: unseen attribute
combinations), every aspect bucket:
  shipped    the model as it ships (models/<name>/, f16 weights), 4 few-step steps, no guidance
  reference  the flow-matching teacher (--teacher checkpoint), 32 Euler steps, CFG --cfg
Both draw the browser's noise (seed, stream) through the RNG twin, so a row here is what the app makes.
The judge (eval.py, `judge(videos, captions)`) scores per-attribute accuracy, overall adherence and
temporal consistency. Also:
  image-to-video   the world clip's first frame given (VAE-encoded, mask on latent frame 0): PSNR of
                   the given frame as decoded (dB), and the judge on the clips;
  long clip        --long-seconds (60) window after window with the shipped sampler: judge adherence
                   on the first and the last 2 s, and colour drift (mean-RGB distance, 0-255 units,
                   between the first and the last second).
Writes <out>/evaluation.json and <out>/evaluation.md (the model card's table).
Run: /usr/bin/python3 models/train/evaluate_model.py --teacher ckpt/dit --out $OUT/eval
"""
import argparse
import json
import math
import os
import sys
import time

import torch

import checkpoint
from config import load_config
from data import buckets, encode, world_clips
from export_zoetrope_s import load_model_dir
from model import build_models
from sample import ROOT, load_tokenizer, sample_clip, sample_window
from train_common import autocast, pick_device, step_generator, use_fused_attention
from train_vae import psnr


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', default='zoetrope-s')
    p.add_argument('--model-dir', default=None, help='the shipped model (default models/<config name>)')
    p.add_argument('--student', default=None, help='or a checkpoint folder instead of the shipped files')
    p.add_argument('--teacher', default=None, help='flow-matching checkpoint for the 32-step reference')
    p.add_argument('--cfg', type=float, default=3.0)
    p.add_argument('--reference-steps', type=int, default=32)
    p.add_argument('--prompts', type=int, default=24, help='prompts per split and bucket')
    p.add_argument('--seconds', type=float, default=2.0, help='clip length for the judge')
    p.add_argument('--long-seconds', type=float, default=60.0)
    p.add_argument('--long-prompts', type=int, default=4)
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--seed', type=int, default=1000)
    p.add_argument('--device', default=None)
    p.add_argument('--out', required=True)
    return p.parse_args(argv)


def load_judge(fps):
    """The judge (eval.py, or the judge package it wraps) at the model's frame rate, or None while it
    has not landed (the table then has no judge columns)."""
    try:
        from eval import judge
    except ImportError:
        try:
            from judge import judge
        except ImportError:
            return None
    return lambda videos, captions: judge(videos, captions, fps=float(fps), value_range=(-1, 1))


def summarise(result):
    """The judge's answer as {metric: float}: its rates as they are (counts and per-clip results left
    out), a list of per-clip dicts averaged."""
    if isinstance(result, dict):
        out = {}
        for k, v in result.items():
            if k in ('clips', 'checks', 'results'):
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out[k] = float(v)
            elif isinstance(v, dict):
                out.update({f'{k}.{kk}': float(vv) for kk, vv in v.items() if isinstance(vv, (int, float))})
        return out
    if isinstance(result, (list, tuple)) and result and isinstance(result[0], dict):
        merged = {}
        for r in result:
            for k, v in summarise(r).items():
                merged.setdefault(k, []).append(v)
        return {k: sum(v) / len(v) for k, v in merged.items()}
    raise TypeError(f'unexpected judge result {type(result)}')


def prompts_for(cfg, split, bucket_hw, n, seed, device, with_frames=1):
    """(captions, world clips (n, 3, with_frames, H, W)) of one split: the evaluation's fixed prompts."""
    video, captions = world_clips(cfg, n, bucket_hw, with_frames, step_generator(seed, 0), device, split)
    return captions, video


def batched(items, size):
    for i in range(0, len(items), size):
        yield i, items[i:i + size]


def generate(models, cfg, tok, captions, seeds, seconds, hw, steps, solver, guidance, batch):
    clips = []
    for i, chunk in batched(captions, batch):
        with autocast(next(models['dit'].parameters()).device):
            clips.append(sample_clip(models, cfg, tok, chunk, seeds[i:i + len(chunk)], seconds, hw, steps, solver,
                                     guidance).float())
    return torch.cat(clips)


def judged(judge, videos, captions):
    return summarise(judge(videos, captions)) if judge else {}


def image_to_video(models, cfg, tok, captions, first_frames, seeds, hw, batch, judge):
    """Given frame 0: PSNR of its decoding (dB) and the judge on one window."""
    vae, device = models['vae'], next(models['dit'].parameters()).device
    f = cfg['chunk']['latent_frames']
    h, w = (s // cfg['latent']['spatial_factor'] for s in hw)
    videos, scores = [], []
    for i, chunk in batched(captions, batch):
        frame = first_frames[i:i + len(chunk)].to(device)                    # (b, 3, 1, H, W)
        z = encode(vae, frame)                                                # (b, C, 1, h, w)
        given = torch.zeros(len(chunk), cfg['latent']['channels'], f, h, w, device=device)
        given[:, :, :1] = z
        mask = torch.zeros(len(chunk), 1, f, h, w, device=device)
        mask[:, :, 0] = 1
        latents = sample_window(models, cfg, tok, chunk, seeds[i:i + len(chunk)], f, h, w, given=(given, mask))
        video = vae.decode(latents).clamp(-1, 1).float()
        scores.append(psnr(video[:, :, 0], frame[:, :, 0]))
        videos.append(video.cpu())
    out = {'given_frame_psnr': float(torch.cat(scores).mean())}
    out.update(judged(judge, torch.cat(videos), captions))
    return out


def long_clip(models, cfg, tok, captions, seeds, seconds, hw, judge):
    """Window after window with the shipped sampler: adherence early and late, colour drift."""
    video = sample_clip(models, cfg, tok, captions, seeds, seconds, hw).float()     # (b, 3, frames, H, W)
    fps = cfg['latent']['frame_rate']
    early, late = video[:, :, :2 * fps], video[:, :, -2 * fps:]
    mean_rgb = lambda v: (v.mean(dim=(3, 4)) + 1) * 127.5                           # (b, 3, frames)
    drift = (mean_rgb(video[:, :, -fps:]).mean(2) - mean_rgb(video[:, :, :fps]).mean(2)).norm(dim=1)
    out = {'frames': video.shape[2], 'colour_drift_rgb': float(drift.mean())}
    if judge:
        out.update({'early.' + k: v for k, v in judged(judge, early, captions).items()})
        out.update({'late.' + k: v for k, v in judged(judge, late, captions).items()})
    return out


def load_models(args, cfg, device):
    if args.student:
        models = build_models(cfg)
        checkpoint.load_into(args.student, models)
    else:
        _, models = load_model_dir(args.model_dir or os.path.join(ROOT, 'models', cfg['name']))
    teacher = None
    if args.teacher:
        teacher = build_models(cfg)
        checkpoint.load_into(args.teacher, teacher)
    for m in [*models.values(), *(teacher.values() if teacher else [])]:
        m.to(device).eval().requires_grad_(False)
    return models, teacher


@torch.no_grad()
def evaluate(args):
    cfg = load_config(args.config)
    device = pick_device(args.device)
    if device.type == 'cuda':
        use_fused_attention()
    tok = load_tokenizer(cfg)
    models, teacher = load_models(args, cfg, device)
    judge = load_judge(cfg['latent']['frame_rate'])
    samplers = {'shipped': (models, cfg['sampler']['steps'], 'few-step', 1.0)}
    if teacher:
        samplers['reference'] = (teacher, args.reference_steps, 'euler', args.cfg)
    results = {'config': cfg['name'], 'judge': bool(judge), 'prompts_per_bucket': args.prompts,
               'seconds': args.seconds, 'rows': {}}
    t0 = time.monotonic()
    for split in ('train', 'held_out'):
        for bi, (bucket, hw) in enumerate(buckets(cfg)):
            seed = args.seed + 100 * bi + (0 if split == 'train' else 50)
            captions, frames = prompts_for(cfg, split, hw, args.prompts, seed, device)
            seeds = [seed * 1000 + i for i in range(len(captions))]
            for name, (m, steps, solver, guidance) in samplers.items():
                videos = generate(m, cfg, tok, captions, seeds, args.seconds, hw, steps, solver, guidance, args.batch)
                row = results['rows'].setdefault(f'{name}/{split}', {})
                for k, v in judged(judge, videos, captions).items():
                    row.setdefault(k, []).append(v)
            if split == 'train':
                i2v = image_to_video(models, cfg, tok, captions, frames, seeds, hw, args.batch, judge)
                for k, v in i2v.items():
                    results['rows'].setdefault('shipped/image_to_video', {}).setdefault(k, []).append(v)
    for row in results['rows'].values():
        for k, v in row.items():
            row[k] = sum(v) / len(v)                                            # mean over buckets
    _, hw = buckets(cfg)[0]
    captions, _ = prompts_for(cfg, 'train', hw, args.long_prompts, args.seed + 999, device)
    results['long_clip'] = {'seconds': args.long_seconds, 'bucket': buckets(cfg)[0][0],
                            **long_clip(models, cfg, tok, captions, list(range(len(captions))), args.long_seconds,
                                        hw, judge)}
    results['seconds_taken'] = round(time.monotonic() - t0, 1)
    return results


def markdown(results):
    """Metrics as rows, runs (sampler/split) as columns; then the long clip's figures."""
    rows = results['rows']
    keys = sorted({k for r in rows.values() for k in r}, key=lambda k: (k.count('.'), k))
    rate = ('adherence', 'accuracy', 'consistency')
    fmt = lambda v, k: '' if v is None else (f'{100 * v:.1f}%' if any(r in k for r in rate) else f'{v:.2f}')
    lines = ['| metric | ' + ' | '.join(rows) + ' |', '|' + '---|' * (len(rows) + 1)]
    for k in keys:
        lines.append(f'| {k} | ' + ' | '.join(fmt(r.get(k), k) for r in rows.values()) + ' |')
    lc = results['long_clip']
    lines += ['', f"Long clip ({lc['seconds']:.0f} s, {lc['frames']} frames, {lc['bucket']}, shipped sampler): "
              + ', '.join(f'{k} {fmt(v, k)}' for k, v in lc.items()
                          if k not in ('seconds', 'frames', 'bucket') and 'attribute_accuracy.' not in k)]
    if not results['judge']:
        lines += ['', 'The judge (models/train/eval.py) was not available: no adherence figures.']
    return '\n'.join(lines) + '\n'


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    results = evaluate(args)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'evaluation.json'), 'w') as f:
        json.dump(results, f, indent=1, default=lambda x: None if isinstance(x, float) and math.isnan(x) else x)
    with open(os.path.join(args.out, 'evaluation.md'), 'w') as f:
        f.write(markdown(results))
    print(markdown(results))
    return results


if __name__ == '__main__':
    main()
