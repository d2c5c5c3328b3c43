"""Which shape an object mask shows: analysis by synthesis. Every shape of the world is drawn at the
mask's centroid and size, at 24 angles (and mirrored, for figures that face their way), and the
one whose drawing overlaps the mask best (soft IoU on a 32x32 grid) wins."""
import math

import torch
import torch.nn.functional as F

from world.motion import FACING
from world.shapes import SDF, sdf
from world.vocab import ALL_SHAPES

GRID = 32
EXTENT = 1.5          # the grid spans [-EXTENT, EXTENT] object units
ANGLES = 24


def _unit_grid():
    lin = (torch.arange(GRID, dtype=torch.float32) + 0.5) / GRID * 2 * EXTENT - EXTENT
    gy, gx = torch.meshgrid(lin, lin, indexing='ij')
    return torch.stack([gx, gy], -1)                                        # (G, G, 2)


def _areas():
    lin = torch.linspace(-1.3, 1.3, 261)
    p = torch.stack(torch.meshgrid(lin, lin, indexing='xy'), -1)
    step = 2.6 / 260
    from judge.masks import dilate, erode, fill_holes
    area, perimeter = {}, {}
    for s in ALL_SHAPES:
        inside = sdf(s, p) < 0
        filled = fill_holes(inside[None])
        area[s] = (inside.float().sum().item() * step ** 2, filled.float().sum().item() * step ** 2)
        # Outer outline length as the 8-neighbour rim of the filled shape measures it: 4/pi times
        # the Euclidean length for round shapes (the rim constants in score.py are fitted with it).
        rim = (dilate(filled, 1) & ~erode(filled, 1)).float().sum().item()
        perimeter[s] = rim * step / 2
    return area, perimeter


AREA, PERIMETER = _areas()   # shape -> (area, area with holes filled); outer perimeter; unit scale


def radius_from_area(area, shape, filled, rim=0.0):
    """Object radius (same units as sqrt(area)) from a measured area, given that the measured
    outline sits `rim` outside the true edge (negative: inside): area = A r^2 + P r rim."""
    a, p = AREA[shape][1 if filled else 0], PERIMETER[shape]
    return (-p * rim + math.sqrt(max(p * p * rim * rim + 4 * a * area, 0.0))) / (2 * a)


def _templates(outline_width):
    """(K, G, G) soft drawings of every (shape, angle, mirror), and the shape of each."""
    p = _unit_grid()
    cell = 2 * EXTENT / GRID
    drawings, names = [], []
    for s in ALL_SHAPES:
        for m in ((False, True) if s in FACING else (False,)):
            for k in range(ANGLES):
                a = 2 * math.pi * k / ANGLES
                c, si = math.cos(a), math.sin(a)
                lx = c * p[..., 0] + si * p[..., 1]
                ly = -si * p[..., 0] + c * p[..., 1]
                if m:
                    lx = -lx
                d = sdf(s, torch.stack([lx, ly], -1))
                if outline_width is None:
                    drawings.append((0.5 - d / cell).clamp(0, 1))
                else:
                    drawings.append((outline_width / 2 + 0.5 * cell - d.abs()).clamp(0, cell) / cell)
                names.append(s)
    return torch.stack(drawings), names


_CACHE = {}


def _soft(x):
    return F.avg_pool2d(x.unsqueeze(1), 3, 1, 1).squeeze(1)


def match_shape(mask, outline_px=None):
    """mask (H, W) bool of one object (one frame). outline_px: stroke width in pixels for sketch
    style (the mask is then an outline). Returns (best shape, {shape: score})."""
    ys, xs = torch.nonzero(mask, as_tuple=True)
    if len(xs) < 6:
        return None, {}
    cy, cx = ys.float().mean() + 0.5, xs.float().mean() + 0.5
    h, w = mask.shape
    scores = {}
    filled = None
    if outline_px is not None:
        from judge.masks import fill_holes
        filled = fill_holes(mask[None])[0].float().sum().item()
    for s in ALL_SHAPES:
        area = AREA[s][0] if outline_px is None else AREA[s][1]
        radius = math.sqrt((mask.float().sum().item() if outline_px is None else filled) / area)
        best = 0.0
        for f in (0.92, 1.0, 1.08):
            r = radius * f
            width = None if outline_px is None else outline_px / r
            key = (round(width, 2) if width is not None else None)
            if key not in _CACHE:
                _CACHE[key] = _templates(width)
            temps, names = _CACHE[key]
            sel = torch.tensor([n == s for n in names])
            g = _unit_grid() * r                                           # (G, G, 2) in pixels
            gx = (cx + g[..., 0]) / w * 2 - 1
            gy = (cy + g[..., 1]) / h * 2 - 1
            crop = F.grid_sample(mask.float()[None, None], torch.stack([gx, gy], -1)[None],
                                 align_corners=False)[0, 0]               # (G, G)
            t = _soft(temps[sel])
            c = _soft(crop[None])
            iou = torch.minimum(t, c).sum((1, 2)) / torch.maximum(t, c).sum((1, 2)).clamp(min=1e-6)
            best = max(best, iou.max().item())
        scores[s] = best
    return max(scores, key=scores.get), scores
