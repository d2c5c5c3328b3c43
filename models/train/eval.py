"""The judge: does a clip show what its caption says? From the frames alone.

It parses the caption (closed vocabulary of the procedural world), finds each named object by its
colour, tracks it, and checks colour, shape, size, count, motion and its direction and speed,
relations (chases, orbits), background and style. See judge/ for how each is measured and
calibrate_judge.py for how well it does on the world's own clips.

CLI:   /usr/bin/python3 models/train/eval.py clip.mp4 --prompt "a red ball bounces at sunset"
API:   from eval import judge; report = judge(videos, captions, fps=12.0)
       videos: (B, 3, F, H, W) in [-1, 1] (or a list of clips; (F, H, W, 3) works too)
       report: adherence, mean_attribute_accuracy, attribute_accuracy, temporal_consistency, results
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from judge import judge, judge_clip, read_video          # noqa: E402,F401


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('video', help='an MP4 (or any file ffmpeg reads)')
    ap.add_argument('--prompt', required=True)
    ap.add_argument('--fps', type=float, default=None, help="override the file's frame rate")
    args = ap.parse_args(argv)
    frames, fps = read_video(args.video)
    r = judge_clip(frames, args.prompt, args.fps or fps, value_range=(0, 1))
    out = {'prompt': args.prompt, 'ok': r['ok'],
           'checks': {k: all(v) for k, v in r['checks'].items()},
           'detected': r['detected'], 'temporal_consistency': r['consistency']}
    print(json.dumps(out, indent=1))
    return 0 if r['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
