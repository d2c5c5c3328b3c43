"""Backgrounds as functions of scene coordinates, so a camera pan or zoom is a change of coordinates.

u, v (F, H, W): scene coordinates in units of S (after the camera); sy (F, H, W) in [0, 1] is the
screen height fraction (sky gradients follow the screen, not the scene); t (F, 1, 1) seconds.
Each returns RGB (3, F, H, W) in [0, 1].
"""
import math

import torch

from .vocab import STAR_COLOUR, THEMES

PAN_SPEED = 0.2     # S per second
ZOOM_RATE = 0.3     # log-scale per second


def _rgb(c, like):
    return like.new_tensor(c).view(3, 1, 1, 1)


def _gradient(top, bottom, s):
    return _rgb(top, s) * (1 - s) + _rgb(bottom, s) * s                 # (3, F, H, W)


def _hash(ix, iy, seed):
    """Integer hash of lattice cells -> uniform [0, 1): the same on every device."""
    h = (ix * 73856093) ^ (iy * 19349663) ^ (seed * 83492791 + 12345)
    h = (h ^ (h >> 13)) * 1274126177
    h = h ^ (h >> 16)
    return (h & 0xFFFF).float() / 65536.0


def camera_coords(camera, u, v, t):
    if camera == 'pan_left':            # the camera moves left: the scene slides right on screen
        return u - PAN_SPEED * t, v
    if camera == 'pan_right':
        return u + PAN_SPEED * t, v
    if camera in ('zoom_in', 'zoom_out'):
        z = torch.exp((ZOOM_RATE if camera == 'zoom_in' else -ZOOM_RATE) * t)
        return u / z, v / z
    return u, v


def background(scene, u, v, sy, t, px):
    """px: one pixel in units of S (stars are kept at least a pixel wide)."""
    kind = scene.background
    if kind == 'plain':
        return _rgb(scene.bg_colours[0], u).expand(3, *u.shape)
    if kind in ('day', 'sunset'):
        return _gradient(*THEMES[kind], sy)
    if kind == 'night':
        sky = _gradient(*THEMES['night'], sy)
        cell = 0.09
        cu, cv = torch.floor(u / cell).long(), torch.floor(v / cell).long()
        h1, h2, h3 = _hash(cu, cv, scene.seed), _hash(cu, cv, scene.seed + 1), _hash(cu, cv, scene.seed + 2)
        su, sv = (cu.float() + 0.2 + 0.6 * h1) * cell, (cv.float() + 0.2 + 0.6 * h2) * cell
        rad = max(0.006, 0.7 * px)
        d = torch.sqrt((u - su) ** 2 + (v - sv) ** 2)
        star = ((h3 < 0.4).float() * (1 - d / rad).clamp(0, 1) * 1.5).clamp(0, 1)
        return sky * (1 - star) + _rgb(STAR_COLOUR, u) * star
    if kind == 'sea':
        sea = _gradient(*THEMES['sea'], sy)
        w = torch.sin(2 * math.pi * (v * 6 + 0.25 * torch.sin(2 * math.pi * u * 2.5 + t * 1.5)))
        crest = ((w - 0.7) / 0.3).clamp(0, 1) * 0.5
        return sea * (1 - crest) + _rgb((0.35, 0.68, 0.80), u) * crest
    if kind == 'grass':
        grass = _gradient(*THEMES['grass'], sy)
        cu = torch.floor(u / 0.035).long()
        h = _hash(cu, torch.zeros_like(cu), scene.seed)
        frac = torch.remainder(u / 0.035, 1.0)
        blade = (1 - (frac - 0.5).abs() * 4).clamp(0, 1) * (0.6 + 0.4 * h)
        return grass * (1 - 0.35 * blade) + _rgb((0.45, 0.72, 0.25), u) * 0.35 * blade
    if kind in ('stripes', 'checker'):
        p = scene.bg_period
        a = torch.floor(u / p) if scene.bg_vertical or kind == 'checker' else torch.floor(v / p)
        if kind == 'checker':
            a = a + torch.floor(v / p)
        odd = torch.remainder(a, 2.0)
        return _rgb(scene.bg_colours[0], u) * (1 - odd) + _rgb(scene.bg_colours[1], u) * odd
    raise ValueError(f'unknown background {kind!r}')
