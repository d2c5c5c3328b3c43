"""A quick judge run on a DiT checkpoint: one point of the learning curve.

Prompts of three groups, drawn from the world's splits: held-in single-object, held-in multi-object
(the 'train' split, sorted by the number of objects the caption names) and held-out (unseen
combinations). Clips of --seconds are sampled window after window as the app does, with a
flow-matching checkpoint's reference sampler (Euler, --steps, CFG --cfg) or the shipped few-step
sampler (--solver few-step --steps 4 --cfg 1), at the 1:1 bucket scaled by --scale (0.5 = 128 px:
the low-resolution phase's size, and 4x cheaper), then judged (eval.py).

With --curve metrics.json, a row is appended to metrics.json's dit.learning_curve:
  {machine_hours (VAE + caches + DiT so far), dit_machine_hours, step, clips_seen, val_loss,
   heldin_single, heldin_multi, heldout, colour, background, direction, sampler}
Run: python3 models/train/judge_checkpoint.py .cache/train/dit --prompts 12 --scale 0.5 --curve models/zoetrope-s/metrics.json
"""
import argparse
import json
import os
import sys
import time

import torch

import checkpoint
from config import load_config
from data import batch_size_for, bucket_at, buckets
from evaluate_model import generate, load_judge, prompts_for
from model import build_models
from sample import load_tokenizer
from train_common import CPU_PRECISION, probe_cpu
from world.captions import parse_caption

GROUPS = ('heldin_single', 'heldin_multi', 'heldout')
# Hours of the stages other than the DiT: the VAE (its checkpoint meta: 4.58 h) and the two latent caches
# (wall-clock of the encode runs, from their shards' times; the 256 px one shared the CPU part of
# the time). Stated here, measured there.
# The fifth sitting's machine had lost the caches: the 256 px one was built again (0.5 h, its log).
# The decoder alone (0.45 h, its checkpoint meta) trained in the DiT's sixth sitting, beside it.
OTHER_STAGE_HOURS = {'vae': 4.58, 'latent_cache_256': 1.49, 'latent_cache_128': 0.8, 'latent_cache_256_rebuilt': 0.5, 'vae_decoder': 0.45}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('checkpoint', help='a train_dit.py checkpoint folder (vae, text_encoder, dit)')
    p.add_argument('--config', default='zoetrope-s')
    p.add_argument('--prompts', type=int, default=12, help='prompts per group')
    p.add_argument('--seconds', type=float, default=2.0)
    p.add_argument('--scale', default='auto', help='frame size relative to the 1:1 bucket (0.5: 128 px); auto: the '
                   'size the checkpoint is training at (0.5 in a low-resolution phase, else 1)')
    p.add_argument('--steps', type=int, default=16)
    p.add_argument('--cfg', type=float, default=3.0)
    p.add_argument('--solver', default='euler', choices=('euler', 'few-step'))
    p.add_argument('--batch', type=int, default=12)
    p.add_argument('--seed', type=int, default=2024)
    p.add_argument('--threads', type=int, default=None, help='torch threads (default: all)')
    p.add_argument('--curve', help='metrics.json to append the learning-curve row to')
    p.add_argument('--out', help='folder for judge.json (every clip\'s checks)')
    return p.parse_args(argv)


def group_prompts(cfg, n, hw, seed):
    """{group: captions}: n each. Held-in prompts are drawn until n single- and n multi-object ones."""
    single, multi, draw = [], [], 0
    while len(single) < n or len(multi) < n:
        captions, _ = prompts_for(cfg, 'train', hw, 4 * n, seed + draw, 'cpu')
        for c in captions:
            (single if len(parse_caption(c)['objects']) == 1 else multi).append(c)
        draw += 1
    heldout, _ = prompts_for(cfg, 'held_out', hw, n, seed + 500, 'cpu')
    return {'heldin_single': single[:n], 'heldin_multi': multi[:n], 'heldout': heldout}


def clips_seen(cfg, schedule, steps):
    """Distinct clip draws the DiT has trained on in `steps` steps (every data batch's bucket and size,
    as train_dit.py; schedule: the checkpoint meta's)."""
    total = 0
    reuse = schedule['data_reuse']
    for step in range(0, steps, reuse):
        _, hw = bucket_at(cfg, step // reuse)
        base = schedule['small_batch'] if step < schedule['small_steps'] else schedule['batch']
        total += batch_size_for(cfg, hw, base)
    return total


def training_scale(meta):
    """0.5 while the checkpoint is in its low-resolution phase (latent_cache.py --scale 0.5), else 1."""
    schedule = meta.get('schedule') or {}
    return 0.5 if meta.get('step', 0) < schedule.get('small_steps', 0) else 1.0


def last_val_loss(folder):
    """The last held-out loss in the run's log.jsonl (mean over σ 0.3, 0.6, 0.9), or None."""
    path = os.path.join(folder, 'log.jsonl')
    if not os.path.exists(path):
        return None
    val = None
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            keys = [k for k in r if k.startswith('val_loss_s')]
            if keys:
                val = sum(r[k] for k in keys) / len(keys)
    return val


@torch.no_grad()
def judge_checkpoint(args):
    cfg = load_config(args.config)
    models = build_models(cfg)
    meta = checkpoint.load_into(args.checkpoint, models)
    for m in models.values():
        m.eval().requires_grad_(False)
    tok = load_tokenizer(cfg)
    judge = load_judge(cfg['latent']['frame_rate'])
    _, (h, w) = buckets(cfg)[0]
    unit = cfg['latent']['spatial_factor'] * cfg['dit']['patch'][1]
    scale = training_scale(meta) if args.scale == 'auto' else float(args.scale)
    hw = tuple(max(unit, int(round(s * scale / unit)) * unit) for s in (h, w))
    t0 = time.monotonic()
    out = {'step': meta.get('step'), 'size': list(hw), 'seconds': args.seconds,
           'sampler': f"{args.solver} {args.steps} steps, cfg {args.cfg}", 'groups': {}}
    for gi, (group, captions) in enumerate(group_prompts(cfg, args.prompts, hw, args.seed).items()):
        seeds = [args.seed * 1000 + 100 * gi + i for i in range(len(captions))]
        videos = generate(models, cfg, tok, captions, seeds, args.seconds, hw, args.steps, args.solver, args.cfg,
                          args.batch)
        report = judge(videos, captions)
        out['groups'][group] = {'adherence': report['adherence'], 'attribute_accuracy': report['attribute_accuracy'],
                                'temporal_consistency': report['temporal_consistency'],
                                'clips': [{'caption': c, 'ok': r['ok'], 'checks': r['checks'], 'detected': r['detected']}
                                          for c, r in zip(captions, report['results'])]}
    out['seconds_taken'] = round(time.monotonic() - t0, 1)
    return out, meta


def curve_row(result, meta, folder, cfg):
    dit_hours = meta.get('machine_seconds', 0.0) / 3600
    single = result['groups']['heldin_single']['attribute_accuracy']
    row = {'machine_hours': round(sum(OTHER_STAGE_HOURS.values()) + dit_hours, 2), 'dit_machine_hours': round(dit_hours, 2),
           'step': result['step'], 'val_loss': last_val_loss(folder), 'size': result['size'], 'sampler': result['sampler']}
    if 'schedule' in meta:
        row['clips_seen'] = clips_seen(cfg, meta['schedule'], result['step'])
    for g in GROUPS:
        row[g] = round(result['groups'][g]['adherence'], 3)
    for attr in ('colour', 'background', 'direction', 'shape', 'motion'):
        if attr in single:
            row[attr] = round(single[attr], 3)
    return row


def append_curve(path, row):
    with open(path) as f:
        metrics = json.load(f)
    dit = metrics.setdefault('dit', {})
    dit.setdefault('hours_before_dit', OTHER_STAGE_HOURS)
    dit.setdefault('learning_curve', []).append(row)
    with open(path, 'w') as f:
        json.dump(metrics, f, indent=1)
        f.write('\n')


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # As training does: denormals flushed, and the sampler under bf16 autocast where this CPU runs it
    # faster (generate() autocasts). In f32 a 256 px judge run took ~35 minutes beside training.
    probe_cpu()
    if args.threads:
        torch.set_num_threads(args.threads)
    result, meta = judge_checkpoint(args)
    row = {**curve_row(result, meta, args.checkpoint, load_config(args.config)), 'precision': CPU_PRECISION['dtype']}
    print(json.dumps(row))
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, 'judge.json'), 'w') as f:
            json.dump({**result, 'row': row}, f, indent=1)
    if args.curve:
        append_curve(args.curve, row)
    return row


if __name__ == '__main__':
    main()
