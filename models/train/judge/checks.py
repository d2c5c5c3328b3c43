"""Per-object checks of a caption's claims against a measured track (see track.py).

Thresholds sit midway between what the world renders for the claimed value and for its neighbours
(speeds: slow 0.14, normal 0.28, quick 0.5 S/s; sizes: radius 0.075 / 0.11 / 0.16 S, +-8%).
"""
import math

import torch

from world.vocab import SPIN_INVARIANT

from .track import angle_sweep, shape_change, sign_changes, velocities

DIRS = {'left': (-1, 0), 'right': (1, 0), 'up': (0, -1), 'down': (0, 1)}
SLOW_MAX, QUICK_MIN = 0.21, 0.38
ORBIT_SLOW_MAX, ORBIT_QUICK_MIN = 0.24, 0.4
SMALL_MAX, BIG_MIN = 0.093, 0.133


def _median(v):
    return v.median().item() if len(v) else 0.0


def _areas(tr):
    a = tr['area'][tr['valid']]
    return a if len(a) else torch.ones(1)


def measure(tr):
    vx, vy, _ = velocities(tr)
    a = _areas(tr)
    la = torch.log(a.clamp(min=1e-6))
    v = tr['valid']
    x, y = tr['x'][v], tr['y'][v]
    return {'vx': vx, 'vy': vy, 'mvx': _median(vx), 'mvy': _median(vy),
            'speed': math.hypot(_median(vx), _median(vy)),
            'spread': (x.max() - x.min()).hypot(y.max() - y.min()).item() if len(x) else 0.0,
            'yrange': (y.max() - y.min()).item() if len(y) else 0.0,
            'grow': math.exp((la[-1] - la[0]).item()), 'amp': math.exp((la.max() - la.min()).item()),
            'extreme_inside': 0 < int(la.argmax()) < len(la) - 1 or 0 < int(la.argmin()) < len(la) - 1,
            'la': la}


def _heading_ok(mvx, mvy, want, tol_deg):
    n = math.hypot(mvx, mvy)
    if n < 1e-6:
        return False
    wx, wy = want
    wn = math.hypot(wx, wy)
    cos = (mvx * wx + mvy * wy) / (n * wn)
    return cos > math.cos(math.radians(tol_deg))


def check_motion(claim, tr, m, shape, leader=None):
    """-> dict of checks: 'motion' (the kind), and where the claim has them 'direction', 'speed'."""
    kind = claim['motion']
    out = {}
    steady = len(m['vx']) > 0 and sign_changes(m['vy'], 0.2) <= 1 and sign_changes(m['vx'], 0.2) <= 1
    if kind in DIRS or kind == 'diagonal':
        # Constant speed (a fall speeds up): the later half of the track is about as fast as the first.
        along = (m['vx'] * m['mvx'] + m['vy'] * m['mvy']) / max(m['speed'], 1e-6)
        half = len(along) // 2
        even = half >= 1 and 0.5 < along[half:].mean().item() / max(along[:half].mean().item(), 1e-6) < 2.0
        out['motion'] = m['speed'] > 0.05 and steady and even
        want = DIRS[kind] if kind in DIRS else claim['direction']
        out['direction'] = _heading_ok(m['mvx'], m['mvy'], want, 30 if kind == 'diagonal' else 25)
        if kind == 'diagonal':
            out['direction'] = out['direction'] and abs(abs(m['mvx']) - abs(m['mvy'])) < 0.5 * m['speed']
    elif kind == 'zigzag':
        # Up and down about a level course: the detrended height crosses its mean again and again.
        v = tr['valid']
        t, y = torch.nonzero(v).flatten().float(), tr['y'][v]
        wiggle = 0
        if len(y) >= 5:
            a = torch.stack([t, torch.ones_like(t)], 1)
            res = y - a @ torch.linalg.lstsq(a, y.unsqueeze(1)).solution.squeeze(1)
            wiggle = sign_changes(res, 0.02)
        mean_vy = m['vy'].mean().item() if len(m['vy']) else 0.0
        out['motion'] = abs(m['mvx']) > 0.05 and wiggle >= 2 and abs(m['mvx']) > abs(mean_vy)
        out['direction'] = m['mvx'] * claim['direction'][0] > 0
    elif kind == 'still':
        out['motion'] = (m['speed'] < 0.04 and m['spread'] < 0.04 and m['amp'] < 1.25
                         and (shape in SPIN_INVARIANT or shape_change(tr) > 0.75))
    elif kind == 'bounce':
        ups = sign_changes(m['vy'], 0.4)
        out['motion'] = ups >= 1 and abs(m['mvx']) < 0.1 and m['yrange'] > 0.15
    elif kind == 'fall':
        vy = m['vy']
        moving = vy[vy.abs() > 0.05]
        half = len(moving) // 2
        accel = half >= 1 and moving[half:].mean().item() > 1.3 * moving[:half].mean().item()
        out['motion'] = bool(m['yrange'] > 0.2 and (vy < -0.15).sum().item() == 0 and accel)
    elif kind == 'spin':
        out['motion'] = m['speed'] < 0.04 and m['amp'] < 1.25 and shape_change(tr) < 0.8
    elif kind == 'grow':
        out['motion'] = m['grow'] > 1.5
    elif kind == 'shrink':
        out['motion'] = m['grow'] < 1 / 1.5
    elif kind == 'pulse':
        out['motion'] = m['amp'] > 1.35 and m['extreme_inside']
    elif kind == 'orbit':
        cx, cy = (leader['x'], leader['y']) if leader is not None else (0.0, 0.0)
        # Only frames where the centre is measured too (an occluded or cut leader has no position).
        both = tr['valid'] & leader['valid'] if leader is not None else tr['valid']
        sweep, radii = angle_sweep(tr, cx, cy, both)
        used = torch.nonzero(both).flatten()
        span = (used[-1] - used[0]).item() / tr['fps'] if len(used) >= 2 else 0.0     # s, gaps included
        turns = abs(sweep) / (2 * math.pi) / max(span, 1e-6)
        r = radii.mean().item()
        out['motion'] = abs(sweep) > math.radians(40) and r > 0.08 and (radii.std() / max(r, 1e-6)).item() < 0.3
        if claim.get('speed'):
            out['speed'] = turns < ORBIT_SLOW_MAX if claim['speed'] == 'slow' else turns > ORBIT_QUICK_MIN
        return out
    else:
        out['motion'] = False
    if claim.get('speed') and kind in ('left', 'right', 'up', 'down', 'diagonal', 'zigzag'):
        v = abs(m['mvx']) if kind == 'zigzag' else m['speed']
        out['speed'] = v < SLOW_MAX if claim['speed'] == 'slow' else v > QUICK_MIN
    return out


def check_chase(follower, leader, direction):
    """The follower stays behind the leader along the way they go (wrap-arounds ignored)."""
    both = follower.get('in_view', follower['valid']) & leader.get('in_view', leader['valid'])
    dx, dy = DIRS[direction]
    proj = ((leader['x'] - follower['x']) * dx + (leader['y'] - follower['y']) * dy)[both]
    proj = proj[proj.abs() < 0.7]
    return len(proj) >= 3 and proj.median().item() > 0.1
