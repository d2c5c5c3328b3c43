"""Signed distances of the world's shapes and drawn figures, in batched torch.

Each function takes points p (..., 2) in object units (the shape fits in the unit disc, y down) and
returns the signed distance (...) in the same units: negative inside. Several are exact (after Inigo
Quilez's 2D distance functions), the figures are unions of exact parts; near the edge all are within
a few percent of the true distance, which is all antialiasing and outline strokes need.
"""
import math

import torch


def _len(p):
    return torch.sqrt((p * p).sum(-1) + 1e-12)


def circle(p, r=1.0):
    return _len(p) - r


def box(p, half_w, half_h):
    q = p.abs() - p.new_tensor([half_w, half_h])
    return _len(q.clamp(min=0)) + q.max(-1).values.clamp(max=0)


def ellipse(p, a, b):
    """Approximate distance to an axis-aligned ellipse with half axes a, b (good near the edge)."""
    k0 = _len(p / p.new_tensor([a, b]))
    k1 = _len(p / p.new_tensor([a * a, b * b]))
    return k0 * (k0 - 1.0) / k1


def segment_poly(p, verts):
    """Exact distance to a convex or concave polygon given as a list of (x, y) vertices."""
    v = p.new_tensor(verts)                                  # (N, 2)
    e = torch.roll(v, -1, 0) - v                             # (N, 2) edges
    w = p.unsqueeze(-2) - v                                  # (..., N, 2)
    h = ((w * e).sum(-1) / (e * e).sum(-1)).clamp(0, 1)      # (..., N)
    d2 = ((w - e * h.unsqueeze(-1)) ** 2).sum(-1).min(-1).values
    # Winding by crossing count: inside when an odd number of edges cross the ray to +x.
    vi, vj = v, torch.roll(v, -1, 0)
    py = p[..., 1:2]
    px = p[..., 0:1]
    cond = (vi[:, 1] > py) != (vj[:, 1] > py)
    xcross = vi[:, 0] + (py - vi[:, 1]) * (vj[:, 0] - vi[:, 0]) / (vj[:, 1] - vi[:, 1] + 1e-12)
    inside = (cond & (px < xcross)).sum(-1) % 2 == 1
    return torch.sqrt(d2) * torch.where(inside, -1.0, 1.0)


def _regular(n, r, start):
    return [(r * math.cos(start + 2 * math.pi * i / n), r * math.sin(start + 2 * math.pi * i / n)) for i in range(n)]


_TRIANGLE = _regular(3, 1.0, -math.pi / 2)                  # apex up (y down: -pi/2 points up)
_STAR = [pt for i in range(5) for pt in (
    (math.cos(-math.pi / 2 + 2 * math.pi * i / 5), math.sin(-math.pi / 2 + 2 * math.pi * i / 5)),
    (0.42 * math.cos(-math.pi / 2 + 2 * math.pi * (i + 0.5) / 5), 0.42 * math.sin(-math.pi / 2 + 2 * math.pi * (i + 0.5) / 5)))]


def triangle(p):
    return segment_poly(p, _TRIANGLE)


def star(p):
    return segment_poly(p, _STAR)


def heart(p):
    """Inigo Quilez's heart (y up, base at 0, top at ~1), turned to y down and centred on the unit disc."""
    q = torch.stack([p[..., 0].abs(), -p[..., 1]], -1) * 0.58 + p.new_tensor([0.0, 0.52])
    upper = q[..., 0] + q[..., 1] > 1.0
    d_up = _len(q - q.new_tensor([0.25, 0.75])) - math.sqrt(2.0) / 4.0
    a = ((q - q.new_tensor([0.0, 1.0])) ** 2).sum(-1)
    m = 0.5 * (q[..., 0] + q[..., 1]).clamp(min=0)
    b = ((q - m.unsqueeze(-1)) ** 2).sum(-1)
    d_low = torch.sqrt(torch.minimum(a, b)) * torch.sign(q[..., 0] - q[..., 1])
    return torch.where(upper, d_up, d_low) / 0.58


def ring(p):
    return (_len(p) - 0.72).abs() - 0.28


def cross(p):
    return torch.minimum(box(p, 0.9, 0.3), box(p, 0.3, 0.9))


def fish(p):
    body = ellipse(p - p.new_tensor([0.15, 0.0]), 0.72, 0.45)
    tail = segment_poly(p, [(-0.45, 0.0), (-0.98, -0.48), (-0.98, 0.48)])
    eye = circle(p - p.new_tensor([0.5, -0.1]), 0.1)
    return torch.maximum(torch.minimum(body, tail), -eye)


def bird(p):
    body = ellipse(p - p.new_tensor([0.0, 0.15]), 0.6, 0.3)
    head = circle(p - p.new_tensor([0.6, -0.05]), 0.24)
    beak = segment_poly(p, [(0.78, -0.12), (1.0, -0.02), (0.78, 0.06)])
    wing = segment_poly(p, [(-0.3, 0.05), (0.25, 0.05), (-0.35, -0.85)])
    tail = segment_poly(p, [(-0.5, 0.1), (-0.98, -0.15), (-0.98, 0.35)])
    return torch.stack([body, head, beak, wing, tail]).min(0).values


def car(p):
    body = box(p - p.new_tensor([0.0, 0.1]), 0.95, 0.25) - 0.04
    cabin = segment_poly(p, [(-0.5, -0.15), (-0.3, -0.55), (0.3, -0.55), (0.55, -0.15)])
    wheel_l = circle(p - p.new_tensor([-0.55, 0.4]), 0.22)
    wheel_r = circle(p - p.new_tensor([0.55, 0.4]), 0.22)
    window = box(p - p.new_tensor([0.0, -0.33]), 0.18, 0.12)
    return torch.maximum(torch.stack([body, cabin, wheel_l, wheel_r]).min(0).values, -window)


def rocket(p):
    body = box(p - p.new_tensor([0.0, 0.1]), 0.26, 0.55) - 0.02
    nose = segment_poly(p, [(0.0, -1.0), (0.28, -0.45), (-0.28, -0.45)])
    fin_l = segment_poly(p, [(-0.26, 0.25), (-0.6, 0.9), (-0.26, 0.65)])
    fin_r = segment_poly(p, [(0.26, 0.25), (0.26, 0.65), (0.6, 0.9)])
    window = circle(p - p.new_tensor([0.0, -0.15]), 0.12)
    return torch.maximum(torch.stack([body, nose, fin_l, fin_r]).min(0).values, -window)


SDF = {'circle': circle, 'square': lambda p: box(p, 0.82, 0.82), 'triangle': triangle, 'star': star,
       'heart': heart, 'ring': ring, 'cross': cross, 'fish': fish, 'bird': bird, 'car': car, 'rocket': rocket}


def _centroids(n=161):
    """Each shape's area centroid at unit scale, so an object's position is where its mass is."""
    lin = torch.linspace(-1.2, 1.2, n)
    p = torch.stack(torch.meshgrid(lin, lin, indexing='xy'), -1)   # (n, n, 2): x along columns
    out = {}
    for name, f in SDF.items():
        inside = (f(p) < 0).float()
        a = inside.sum()
        out[name] = ((p * inside.unsqueeze(-1)).sum((0, 1)) / a).tolist()
    return out


CENTROID = _centroids()


def sdf(name, p):
    """Distance to shape `name` for points p (..., 2) relative to its centroid."""
    c = CENTROID[name]
    return SDF[name](p + p.new_tensor(c))
