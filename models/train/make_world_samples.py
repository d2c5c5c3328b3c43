"""Sample grids of the procedural world: a PNG (a few frames of clips in every aspect bucket, with
their captions) and a small animated GIF, written to models/zoetrope-s/samples/.

Run: /usr/bin/python3 models/train/make_world_samples.py [--seed 0] [--out DIR]
"""
import argparse
import os
import sys
import textwrap

import torch
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config import load_config          # noqa: E402
from world import sample_batch          # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT = os.path.join(ROOT, 'models', 'zoetrope-s', 'samples')
SCALE = 0.5                              # thumbnails at half size keep the files small


def to_images(clip):
    """(3, F, H, W) in [-1, 1] -> list of PIL images."""
    x = ((clip.clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 3, 0).numpy()
    return [Image.fromarray(f) for f in x]


def thumb(img):
    return img.resize((int(img.width * SCALE), int(img.height * SCALE)), Image.BILINEAR)


def grid(rows, frames_shown=4):
    """rows: list of (caption, images). One row per clip: frames left to right, caption below."""
    pad, text_h = 4, 30
    cells = [[thumb(im) for im in ims[::max(1, len(ims) // frames_shown)][:frames_shown]] for _, ims in rows]
    width = max(sum(c.width + pad for c in row) for row in cells) + pad
    height = sum(row[0].height + text_h + pad for row in cells) + pad
    sheet = Image.new('RGB', (max(width, 560), height), 'white')
    draw = ImageDraw.Draw(sheet)
    y = pad
    for (cap, _), row in zip(rows, cells):
        x = pad
        for c in row:
            sheet.paste(c, (x, y))
            x += c.width + pad
        y += row[0].height + 2
        draw.text((pad, y), '\n'.join(textwrap.wrap(cap, 110)[:2]), fill='black')
        y += text_h + pad - 2
    return sheet


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--per-bucket', type=int, default=3)
    ap.add_argument('--frames', type=int, default=24)
    ap.add_argument('--out', default=OUT)
    args = ap.parse_args()
    cfg = load_config('zoetrope-s')
    fps = cfg['latent']['frame_rate']
    os.makedirs(args.out, exist_ok=True)
    g = torch.Generator().manual_seed(args.seed)
    rows, gif_clips = [], []
    for name, (h, w) in cfg['latent']['aspect_buckets'].items():
        video, caps, _ = sample_batch(args.per_bucket, h, w, args.frames, fps, g)
        for clip, cap in zip(video, caps):
            ims = to_images(clip)
            rows.append((f'[{name} {h}x{w}] {cap}', ims))
        gif_clips.append((ims, cap))
    grid(rows).save(os.path.join(args.out, 'world_grid.png'), optimize=True)
    # GIF: one 1:1 clip per bucket's last sample, side by side, at a third of the size.
    frames = []
    for f in range(args.frames):
        ims = [im[f].resize((im[f].width // 3, im[f].height // 3), Image.BILINEAR) for im, _ in gif_clips]
        strip = Image.new('RGB', (sum(i.width for i in ims) + 4 * len(ims), max(i.height for i in ims)), 'white')
        x = 0
        for i in ims:
            strip.paste(i, (x, 0))
            x += i.width + 4
        frames.append(strip.quantize(colors=128))
    frames[0].save(os.path.join(args.out, 'world.gif'), save_all=True, append_images=frames[1:],
                   duration=int(1000 / fps), loop=0, optimize=True)
    with open(os.path.join(args.out, 'captions.txt'), 'w') as f:
        f.write('\n'.join(cap for cap, _ in rows) + '\n')
    total = sum(os.path.getsize(os.path.join(args.out, n)) for n in os.listdir(args.out))
    print(f'{args.out}: {len(rows)} clips, {total} bytes')


if __name__ == '__main__':
    main()
