"""Do the browser's clips score like PyTorch's? The same prompts and seeds, judged both ways.

PyTorch: sample.py's shipped sampler (few-step, no CFG) on the shipped model folder's f16 weights.
Browser: the CLI (`npm run generate`, headless Chromium, --backend wasm by default), which runs the
app itself on the same folder and writes MP4s; the judge reads them back with ffmpeg (eval.py).
The prompts are judge_checkpoint.py's three groups (held-in single, held-in multi, held-out) at the
1:1 bucket. Issue 15 asks for the two overall adherences within 3 points.

Run: /usr/bin/python3 models/train/browser_vs_pytorch.py models/zoetrope-s --prompts 4 [--json out.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import buckets                                          # noqa: E402
from evaluate_model import generate, load_judge                   # noqa: E402
from export_zoetrope_s import load_model_dir                      # noqa: E402
from judge import read_video                                      # noqa: E402
from judge_checkpoint import GROUPS, group_prompts                # noqa: E402
from sample import load_tokenizer                                 # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('model_dir', help='a shipped model folder (manifest.json, f16 weights)')
    p.add_argument('--prompts', type=int, default=4, help='prompts per group')
    p.add_argument('--seconds', type=float, default=2.0)
    p.add_argument('--seed', type=int, default=2024)
    p.add_argument('--backend', default='wasm', choices=('wasm', 'webgpu', 'auto'))
    p.add_argument('--json', help='write both reports here')
    return p.parse_args(argv)


def browser_clip(model_dir, caption, seed, seconds, backend, out):
    """(B=1 video (1, 3, F, H, W) in [-1, 1], seconds taken) of the CLI's MP4 for one prompt."""
    started = time.monotonic()
    cmd = ['node', 'src/cli/generate.mjs', caption, '--seed', str(seed), '--seconds', str(seconds),
           '--aspect', '1:1', '--backend', backend, '--model', model_dir, '-o', out]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f'the CLI failed on "{caption}" (exit {done.returncode}): {done.stderr.strip()[-800:]}')
    frames, _ = read_video(out)                                   # (3, F, H, W) in [0, 1]
    video = frames[None] * 2 - 1
    return video, time.monotonic() - started


def score(report):
    return {'adherence': report['adherence'], 'mean_attribute_accuracy': report['mean_attribute_accuracy'],
            'attribute_accuracy': report['attribute_accuracy']}


@torch.no_grad()
def compare(args):
    cfg, models = load_model_dir(args.model_dir)
    for m in models.values():
        m.eval().requires_grad_(False)
    tok = load_tokenizer(cfg)
    judge = load_judge(cfg['latent']['frame_rate'])
    _, hw = buckets(cfg)[0]
    out = {'model': os.path.basename(os.path.normpath(args.model_dir)), 'seconds': args.seconds,
           'backend': args.backend, 'size': list(hw), 'groups': {}}
    with tempfile.TemporaryDirectory() as tmp:
        for gi, (group, captions) in enumerate(group_prompts(cfg, args.prompts, hw, args.seed).items()):
            seeds = [args.seed * 1000 + 100 * gi + i for i in range(len(captions))]
            torch_videos = generate(models, cfg, tok, captions, seeds, args.seconds, hw, None, 'few-step', 1.0, 4)
            browser_videos, took = [], 0.0
            for i, (caption, seed) in enumerate(zip(captions, seeds)):
                video, seconds = browser_clip(args.model_dir, caption, seed, args.seconds, args.backend,
                                              os.path.join(tmp, f'{group}-{i}.mp4'))
                browser_videos.append(video)
                took += seconds
            frames = min(torch_videos.shape[2], min(v.shape[2] for v in browser_videos))
            browser = torch.cat([v[:, :, :frames] for v in browser_videos])
            out['groups'][group] = {'captions': captions, 'seeds': seeds,
                                    'pytorch': score(judge(torch_videos[:, :, :frames], captions)),
                                    'browser': score(judge(browser, captions)),
                                    'browser_seconds_per_clip': round(took / len(captions), 1),
                                    # mean |Δ| of the two clips in [0, 1] units: same noise, so near 0
                                    'mean_abs_difference': float((browser - torch_videos[:, :, :frames]).abs().mean() / 2)}
    for side in ('pytorch', 'browser'):
        out[f'{side}_overall'] = sum(out['groups'][g][side]['adherence'] for g in GROUPS) / len(GROUPS)
    out['points_apart'] = round(100 * abs(out['pytorch_overall'] - out['browser_overall']), 1)
    # Adherence is all-or-nothing per clip; the mean attribute accuracy also moves when only some
    # of a caption's claims hold, so it tells the two sides apart where adherence is 0 on both.
    for side in ('pytorch', 'browser'):
        out[f'{side}_attribute_mean'] = sum(out['groups'][g][side]['mean_attribute_accuracy'] for g in GROUPS) / len(GROUPS)
    out['attribute_points_apart'] = round(100 * abs(out['pytorch_attribute_mean'] - out['browser_attribute_mean']), 1)
    return out


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    result = compare(args)
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        with open(args.json, 'w') as f:
            f.write(text + '\n')
    return result


if __name__ == '__main__':
    main()
