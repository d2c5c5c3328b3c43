"""Calibrate the judge on the world itself, and write the figures (stdout and a JSON).

1. Faithful clips: random scenes in every aspect bucket, rendered as captioned; the judge should
   pass them (adherence, per-attribute accuracy).
2. Wrong clips: the same scenes rendered with ONE stated attribute changed (colour, shape, size,
   count, motion, direction, speed, background or style), judged against the original caption;
   the judge should catch them (per changed attribute: the share judged not adherent).

Run: /usr/bin/python3 models/train/calibrate_judge.py [--clips 300] [--scale 0.5] [--out FILE]
--scale renders the config's buckets at a fraction of their size (CPU time); the judge itself
works at a short side of at most 128 pixels either way.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import load_config                                  # noqa: E402
from judge import judge_clip                                    # noqa: E402
from world import caption, render, sample_scene                 # noqa: E402
from world.captions import attributes                           # noqa: E402
from world.scene import MIN_COLOUR_GAP, allowed_colours, valid  # noqa: E402
from world.vocab import (ALL_SHAPES, BACKGROUNDS, COLOURS, LINEAR, MOTIONS, SPIN_INVARIANT,  # noqa: E402
                         STYLES, TEXTURED)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT = os.path.join(ROOT, 'models', 'zoetrope-s', 'judge_calibration.json')
FRAMES = 24


def _choice(g, seq):
    seq = list(seq)
    return seq[torch.randint(len(seq), (), generator=g).item()]


def mutate(spec, g):
    """A copy of spec with one stated attribute changed (and still a valid scene), and its name."""
    for _ in range(200):
        s = spec.copy()
        attrs = attributes(spec)['objects']
        i = torch.randint(len(s.objects), (), generator=g).item()
        o, a = s.objects[i], next(x for x in attrs if x['colour'] == s.objects[i].colour)
        options = ['colour', 'shape', 'motion', 'background', 'style', 'count']
        if a['size']:
            options.append('size')
        if a['speed']:
            options.append('speed')
        if o.motion in LINEAR or o.motion == 'zigzag':
            options.append('direction')
        what = _choice(g, options)
        if what == 'colour':
            used = {x.colour for x in s.objects}
            o.colour = _choice(g, [c for c in COLOURS if c not in used] or ['red'])
        elif what == 'shape':
            o.shape = _choice(g, [x for x in ALL_SHAPES if x != o.shape])
        elif what == 'size':
            o.size = 'big' if o.size == 'small' else 'small'
        elif what == 'speed':
            o.speed = 'quick' if o.speed == 'slow' else 'slow'
        elif what == 'count':
            if o.relation or any(x.target == i and x.relation for x in s.objects):
                continue
            o.count = _choice(g, [c for c in (1, 2, 3) if c != o.count])
            if o.size == 'big':
                continue
        elif what == 'direction':
            if o.motion in ('left', 'right', 'up', 'down'):
                new = {'left': 'right', 'right': 'left', 'up': 'down', 'down': 'up'}[o.motion]
                for x in s.objects:                 # a chase pair turns together
                    if x.motion == o.motion and (x.relation or any(y.target == s.objects.index(x) for y in s.objects if y.relation)):
                        x.motion = new
                o.motion = new
            else:
                dx, dy = o.direction
                o.direction = (-dx, dy) if torch.rand((), generator=g).item() < 0.5 or o.motion == 'zigzag' else (dx, -dy)
        elif what == 'motion':
            if o.relation or any(x.target == i and x.relation for x in s.objects):
                continue
            o.motion = _choice(g, [m for m in MOTIONS if m != o.motion])
            if o.motion == 'diagonal':
                o.direction = (_choice(g, (-1, 1)), _choice(g, (-1, 1)))
            if o.motion == 'zigzag':
                o.direction = (_choice(g, (-1, 1)), 0)
        elif what == 'background':
            s.background = _choice(g, [b for b in BACKGROUNDS if b != s.background])
            if s.background not in TEXTURED:
                s.camera = 'static'
        elif what == 'style':
            s.style = _choice(g, [x for x in STYLES if x != s.style])
        if valid(s):
            return s, what
    return None, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--clips', type=int, default=300)
    ap.add_argument('--scale', type=float, default=0.5)
    ap.add_argument('--seed', type=int, default=2024)
    ap.add_argument('--out', default=OUT)
    args = ap.parse_args()
    cfg = load_config('zoetrope-s')
    fps = cfg['latent']['frame_rate']
    buckets = [(int(h * args.scale) // 16 * 16, int(w * args.scale) // 16 * 16)
               for h, w in cfg['latent']['aspect_buckets'].values()]
    g = torch.Generator().manual_seed(args.seed)
    faithful, wrong = [], []
    t0 = time.time()
    for n in range(args.clips):
        h, w = buckets[n % len(buckets)]
        spec = sample_scene(g, 'held_out' if n % 10 == 9 else 'train')
        text = caption(spec, g)
        r = judge_clip(render([spec], h, w, FRAMES, fps)[0], text, fps)
        faithful.append({'caption': text, 'size': [h, w], 'ok': r['ok'], 'checks': r['checks'],
                         'detected': r['detected'], 'consistency': r['consistency']})
        bad, what = mutate(spec, g)
        if bad is not None:
            rb = judge_clip(render([bad], h, w, FRAMES, fps)[0], text, fps)
            wrong.append({'caption': text, 'changed': what, 'caught': not rb['ok'], 'size': [h, w],
                          'failed': sorted(k for k, v in rb['checks'].items() if not all(v))})
        if (n + 1) % 25 == 0:
            print(f'{n + 1} clips, {time.time() - t0:.0f} s', file=sys.stderr, flush=True)
    per = {}
    for f in faithful:
        for k, v in f['checks'].items():
            per.setdefault(k, []).extend(v)
    caught = {}
    for x in wrong:
        caught.setdefault(x['changed'], []).append(x['caught'])
    report = {
        'clips': len(faithful), 'frames': FRAMES, 'fps': fps, 'sizes': buckets,
        'faithful_adherence': sum(f['ok'] for f in faithful) / len(faithful),
        'faithful_attribute_accuracy': {k: sum(v) / len(v) for k, v in sorted(per.items())},
        'faithful_checks': {k: len(v) for k, v in sorted(per.items())},
        'temporal_consistency': sum(f['consistency'] for f in faithful) / len(faithful),
        'wrong_clips': len(wrong),
        'wrong_caught': sum(x['caught'] for x in wrong) / max(1, len(wrong)),
        'wrong_caught_by_attribute': {k: {'caught': sum(v) / len(v), 'n': len(v)} for k, v in sorted(caught.items())},
        'seconds': round(time.time() - t0),
        'faithful_failures': [f for f in faithful if not f['ok']][:40],
        'missed_wrong': [x for x in wrong if not x['caught']][:40],
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(report, f, indent=1)
    summary = {k: v for k, v in report.items() if k not in ('faithful_failures', 'missed_wrong')}
    print(json.dumps(summary, indent=1))


if __name__ == '__main__':
    main()
