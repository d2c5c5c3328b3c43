"""Find one named object in every frame (palette colour segmentation) and measure its track."""
import math

import torch

from world.styles import PAPER, style_colour
from world.scene import MIN_COLOUR_GAP
from world.vocab import COLOURS

from .masks import colour_mask, components, dilate, erode, fill_holes, label, reconstruct, touches_border


def colour_tolerance(colour, style):
    """Half the distance to the nearest other palette colour (as drawn in this style), at most 0.2."""
    c = style_colour(style, COLOURS[colour])
    gap = min((c - style_colour(style, rgb)).norm().item() for name, rgb in COLOURS.items() if name != colour)
    return min(0.2, 0.45 * gap)


def object_masks(frames, colour, style):
    """(F, H, W) bool twice: the pixels drawn in `colour`, and the object's solid extent (for sketch
    style the outline closed and filled in)."""
    ink = style_colour(style, COLOURS[colour])
    m = colour_mask(frames, ink, colour_tolerance(colour, style))
    if style != 'sketch':
        return m, m
    # A thin antialiased outline that runs between pixel centres is drawn at partial coverage
    # and drops out of the strict mask. Hysteresis: also take pixels at least about half inked
    # (halfway from the paper to the ink, and nearer the ink than the world lets any background
    # colour be) that connect to strictly inked ones.
    loose_tol = min(0.5 * (ink - torch.tensor(PAPER)).norm().item(), 0.9 * MIN_COLOUR_GAP)
    m = reconstruct(m, colour_mask(frames, ink, loose_tol))
    # Close the remaining gaps, fill the outline in, and undo the closing's growth.
    return m, erode(fill_holes(dilate(m, 1)), 1)


def track(frames, colour, style, fps):
    """Everything the motion checks need about one colour's object(s). Units: S (short side), s."""
    _, f, h, w = frames.shape
    s = min(h, w)
    raw, solid = object_masks(frames, colour, style)
    lab = label(solid)
    counts, largest = [], []
    for i in range(f):
        comps = components(lab[i])
        big = [c for c in comps if c[1] >= max(3, 0.35 * comps[0][1])] if comps else []
        counts.append(len(big))
        largest.append(comps[0][0] if comps else 0)
        # Specks of the colour elsewhere (a background pixel near the ink, a quantised rim) are not
        # the object: left in, they pull its centroid about and a still object seems to drift.
        solid[i] &= torch.isin(lab[i], torch.tensor([c[0] for c in big], dtype=lab.dtype))
    area = solid.float().sum((1, 2))                                          # (F,)
    pos = area[area > 0]
    med = pos.median().item() if len(pos) else 0.0
    border = touches_border(solid)
    valid = (area >= max(4.0, 0.3 * med)) & ~border
    ys = torch.arange(h, dtype=torch.float32).view(1, h, 1)
    xs = torch.arange(w, dtype=torch.float32).view(1, 1, w)
    a = area.clamp(min=1)
    cx = ((solid * xs).sum((1, 2)) / a + 0.5 - w / 2) / s
    cy = ((solid * ys).sum((1, 2)) / a + 0.5 - h / 2) / s
    return {'raw': raw, 'solid': solid, 'lab': lab, 'largest': largest, 'area': area / (s * s),
            'valid': valid, 'present': (area >= 4).float().mean().item(), 'counts': counts,
            'x': cx, 'y': cy, 'fps': fps, 's': s, 'f': f}


def velocities(tr, max_speed=6.0, stride=2):
    """Velocities (S/s) over `stride` frames (pixel-art positions move in block steps) between valid
    frames; jumps (wrap-arounds) dropped."""
    v, k = tr['valid'], stride
    ok = v[k:] & v[:-k]
    vx = (tr['x'][k:] - tr['x'][:-k]) * tr['fps'] / k
    vy = (tr['y'][k:] - tr['y'][:-k]) * tr['fps'] / k
    keep = ok & (torch.hypot(vx, vy) < max_speed)
    return vx[keep], vy[keep], torch.nonzero(keep).flatten()


def sign_changes(v, threshold):
    """Reversals of a velocity series, counting only moves faster than threshold."""
    s = [1 if x > threshold else -1 for x in v.tolist() if abs(x) > threshold]
    return sum(1 for a, b in zip(s, s[1:]) if a != b)


def angle_sweep(tr, cx, cy, also=None):
    """Unwrapped angle (radians) swept around (cx, cy) (tensors or floats) over valid frames (and
    where `also`, an (F,) bool, holds), and radii."""
    v = tr['valid'] if also is None else tr['valid'] & also
    dx, dy = (tr['x'] - cx)[v], (tr['y'] - cy)[v]
    ang = torch.atan2(dy, dx)
    if len(ang) < 3:
        return 0.0, torch.zeros(1)
    d = torch.remainder(ang[1:] - ang[:-1] + math.pi, 2 * math.pi) - math.pi
    return d.sum().item(), torch.hypot(dx, dy)


def shape_change(tr):
    """Lowest IoU between a valid frame's mask and the first valid one, both centred: < 1 when it turns."""
    idx = torch.nonzero(tr['valid']).flatten()
    if len(idx) < 3:
        return 1.0
    m = tr['solid']
    h, w = m.shape[1:]
    s = tr['s']

    def centred(i):
        dx = int(round(tr['x'][i].item() * s))
        dy = int(round(tr['y'][i].item() * s))
        return torch.roll(m[i], (-dy, -dx), (0, 1))
    ref = centred(idx[0])
    worst = 1.0
    for i in idx[1:]:
        c = centred(i)
        worst = min(worst, ((c & ref).sum() / (c | ref).sum().clamp(min=1)).item())
    return worst
