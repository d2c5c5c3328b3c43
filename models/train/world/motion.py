"""Where each object is, how big and how turned, at every frame time: the world's motions.

Speeds are per second (units of the short side S), so a clip's motion does not depend on its length
and a long video generated window by window stays consistent. Translating objects wrap around the
frame (leave on one side, come back on the other) instead of bouncing off, so their direction holds.
"""
import math

import torch

from .spec import linear_direction
from .vocab import ORBIT_TURNS, SIZES, SPEEDS

BOUNCE_PERIOD = 0.9      # seconds per hop
FALL_TIME = 1.5          # seconds from the top to the floor
PULSE_PERIOD = 0.8
PULSE_DEPTH = 0.3
SPIN_TURNS = 0.45        # turns per second
GROW_RATE = 0.45         # log-scale per second
ZIGZAG_PERIOD = 0.6
ZIGZAG_AMPLITUDE = 0.07
CHASE_LAG = 0.38         # S behind the leader
ORBIT_RADIUS = 0.26
FACING = ('fish', 'bird', 'car')   # figures that turn to face their way (drawn facing +x)


def radius(obj):
    return SIZES[obj.size] * obj.jitter


def wrap(v, half):
    """Into [-half, half): leaving one side is entering the other."""
    return torch.remainder(v + half, 2 * half) - half


def _triangle_wave(x):
    return 1 - 4 * torch.abs(torch.remainder(x, 1.0) - 0.5)          # in [-1, 1]


def copy_offsets(obj, r):
    """Offsets of an object's identical copies, side by side across its way of motion."""
    n = obj.count
    ks = [k - (n - 1) / 2 for k in range(n)]
    if obj.motion in ('left', 'right'):
        return [(0.0, 2.6 * r * k) for k in ks]
    return [(2.6 * r * k, 0.0) for k in ks]


def object_track(obj, t, ext, leader=None):
    """One object's centre track. t (F,) seconds; ext = (X, Y) the frame's half-extents in S.
    Returns dict of (F,) tensors x, y, scale (radius in S), angle (radians), and a mirror flag."""
    X, Y = ext
    r = radius(obj)
    F = t.shape[0]
    one = torch.ones_like(t)
    scale = one * r
    angle = torch.zeros_like(t)
    mirror = False
    # Start inside the frame, a margin from the edge (copies need room side by side).
    spread = 1.3 * r * (obj.count - 1)
    reach = r * {'grow': 2.2, 'pulse': 1 + PULSE_DEPTH}.get(obj.motion, 1.0)   # largest radius it takes
    mx, my = max(X - reach - 0.04 - spread, 0.0), max(Y - reach - 0.04 - spread, 0.0)
    x0, y0 = obj.x * mx, obj.y * my
    m = obj.motion
    v = SPEEDS[obj.speed]
    if obj.relation == 'chases' and leader is not None:
        dx, dy = linear_direction(obj)
        n = math.hypot(dx, dy)
        x = wrap(leader['x'] - CHASE_LAG * dx / n, X + r)
        y = wrap(leader['y'] - CHASE_LAG * dy / n, Y + r)
        mirror = dx < 0
    elif obj.relation == 'orbits' and leader is not None:
        a = 2 * math.pi * (obj.phase + obj.turn * ORBIT_TURNS[obj.speed] * t)
        rad = leader['scale'].max() + r + 0.1
        x, y = leader['x'] + rad * torch.cos(a), leader['y'] + rad * torch.sin(a)
    elif m in ('left', 'right', 'up', 'down', 'diagonal'):
        dx, dy = linear_direction(obj)
        n = math.hypot(dx, dy)
        x = wrap(x0 + v * dx / n * t, X + r)
        y = wrap(y0 + v * dy / n * t, Y + r)
        mirror = dx < 0
    elif m == 'zigzag':
        dx = obj.direction[0]
        x = wrap(x0 + v * dx * t, X + r)
        y = y0 * 0.7 + ZIGZAG_AMPLITUDE * _triangle_wave(t / ZIGZAG_PERIOD + obj.phase)
        mirror = dx < 0
    elif m == 'bounce':
        floor = Y - r - 0.02
        h = (0.45 + 0.35 * (obj.y + 1) / 2) * (2 * Y - 2 * r - 0.1)
        ph = torch.remainder(t / BOUNCE_PERIOD + obj.phase, 1.0)
        x, y = x0 * one, floor - 4 * h * ph * (1 - ph)
    elif m == 'fall':
        top, floor = -Y + r + 0.02, Y - r - 0.02
        g = 2 * (floor - top) / FALL_TIME ** 2
        x, y = x0 * one, torch.clamp(top + 0.5 * g * t * t, max=floor)
    elif m == 'orbit':
        a = 2 * math.pi * (obj.phase + obj.turn * ORBIT_TURNS[obj.speed] * t)
        rad = min(ORBIT_RADIUS, Y - r - 0.03)
        x, y = rad * torch.cos(a), rad * torch.sin(a)
    else:
        x, y = x0 * one, y0 * one
        if m == 'spin':
            angle = 2 * math.pi * (obj.phase + obj.turn * SPIN_TURNS * t)
        elif m == 'grow':
            scale = r * torch.exp(GROW_RATE * t).clamp(max=2.2)
        elif m == 'shrink':
            scale = r * torch.exp(-GROW_RATE * t).clamp(min=0.4)
        elif m == 'pulse':
            scale = r * (1 + PULSE_DEPTH * torch.sin(2 * math.pi * (t / PULSE_PERIOD + obj.phase)))
    if obj.shape == 'rocket':
        dx, dy = linear_direction(obj) if obj.relation != 'orbits' else (0, 0)
        if m == 'zigzag':
            dx, dy = obj.direction[0], 0
        if (dx, dy) != (0, 0):
            angle = angle + math.atan2(dy, dx) + math.pi / 2    # nose (drawn up) along the way
    return {'x': x, 'y': y, 'scale': scale, 'angle': angle, 'mirror': mirror and obj.shape in FACING}


def scene_tracks(scene, t, ext):
    """Tracks of every object (leaders before the objects that chase or orbit them)."""
    tracks = [None] * len(scene.objects)
    order = sorted(range(len(scene.objects)), key=lambda i: scene.objects[i].relation != '')
    for i in order:
        o = scene.objects[i]
        tracks[i] = object_track(o, t, ext, tracks[o.target] if o.relation else None)
    return tracks
