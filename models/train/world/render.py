"""Render scene specs to video: batched torch, any size, any device, deterministic.

Coordinates: S = min(H, W) pixels is one unit; the frame centre is the origin, y points down.
"""
import math

import torch
import torch.nn.functional as F

from . import styles
from .backgrounds import background, camera_coords
from .motion import copy_offsets, scene_tracks
from .shapes import sdf
from .vocab import COLOURS


def _grid(height, width, device):
    s = min(height, width)
    ys = (torch.arange(height, device=device, dtype=torch.float32) + 0.5 - height / 2) / s
    xs = (torch.arange(width, device=device, dtype=torch.float32) + 0.5 - width / 2) / s
    return torch.meshgrid(ys, xs, indexing='ij')                         # (H, W) each


def instances(scene, t, ext):
    """Every drawn instance (copies expanded): list of (shape, colour, x, y, scale, angle, mirror)."""
    out = []
    for obj, tr in zip(scene.objects, scene_tracks(scene, t, ext)):
        for ox, oy in copy_offsets(obj, tr['scale'][0].item()):
            out.append((obj.shape, obj.colour, tr['x'] + ox, tr['y'] + oy, tr['scale'], tr['angle'], tr['mirror']))
    return out


def object_distance(shape, x, y, scale, angle, mirror, gy, gx):
    """Signed distance (F, H, W) in units of S to one instance whose track is (F,) tensors."""
    dx = gx.unsqueeze(0) - x.view(-1, 1, 1)                             # (F, H, W)
    dy = gy.unsqueeze(0) - y.view(-1, 1, 1)
    c, s = torch.cos(angle).view(-1, 1, 1), torch.sin(angle).view(-1, 1, 1)
    lx, ly = c * dx + s * dy, -s * dx + c * dy                          # into the object's frame
    if mirror:
        lx = -lx
    k = scale.view(-1, 1, 1)
    return sdf(shape, torch.stack([lx / k, ly / k], -1)) * k


def render_clip(scene, height, width, frames, fps, device='cpu'):
    """One clip: (3, F, H, W) in [0, 1]."""
    if scene.style == 'pixel':
        b = styles.pixel_block(height, width)
        h, w = -(-height // b), -(-width // b)
        flat = render_clip(scene.copy(style='pixel_flat'), h, w, frames, fps, device)
        up = flat.repeat_interleave(b, 2).repeat_interleave(b, 3)[:, :, :height, :width]
        return styles.quantise(up)
    device = torch.device(device)
    S = min(height, width)
    px = 1.0 / S
    gy, gx = _grid(height, width, device)
    t = torch.arange(frames, device=device, dtype=torch.float32) / fps  # (F,)
    t3 = t.view(-1, 1, 1)
    u, v = camera_coords(scene.camera, gx.expand(frames, -1, -1), gy.expand(frames, -1, -1), t3)
    sy = ((gy + height / (2 * S)) / (height / S)).expand(frames, -1, -1)
    img = background(scene, u, v, sy, t3, px)                           # (3, F, H, W)
    style = 'flat' if scene.style == 'pixel_flat' else scene.style
    img = styles.style_background(style, img)
    ext = (width / (2 * S), height / (2 * S))
    for shape, colour, x, y, scale, angle, mirror in instances(scene, t, ext):
        d = object_distance(shape, x, y, scale, angle, mirror, gy, gx) / px   # (F, H, W) in pixels
        col = torch.tensor(COLOURS[colour], device=device).view(3, 1, 1, 1)
        if style == 'sketch':
            w = styles.stroke_width(S)
            a = (w / 2 + 0.5 - d.abs()).clamp(0, 1)
        else:
            a = (0.5 - d).clamp(0, 1)
        if style == 'neon':
            halo = torch.exp(-d.clamp(min=0) / (styles.NEON_GLOW_WIDTH * scale.view(-1, 1, 1) * S))
            img = img + styles.NEON_GLOW * halo * col * (1 - a)
        img = img * (1 - a) + col * a
    return styles.style_final(style, img.clamp(0, 1))


def render(specs, height, width, frames, fps, device='cpu'):
    """Scene specs -> video (B, 3, F, H, W) float32 in [-1, 1]."""
    clips = [render_clip(s, height, width, frames, fps, device) for s in specs]
    return torch.stack(clips) * 2 - 1
