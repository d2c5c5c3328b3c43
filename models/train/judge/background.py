"""Which background a clip shows, from the pixels left when the named objects (and their glow) are
masked out, with the style undone (pastel, neon and sketch are affine maps of the background).

patterned  the pixels sit tightly on two colours: stripes if one axis (rows or columns) explains
           which colour a pixel has, else a checkerboard.
plain      one colour, no gradient.
themed     sky, sunset, night, sea, grass: the nearest of the renderer's (top, bottom) colours.
"""
import torch

from world.styles import NEON_DIM, PAPER, PASTEL_MIX, SKETCH_FADE
from world.vocab import THEMES


def unstyle(x, style):
    if style == 'pastel':
        return (x - PASTEL_MIX) / (1 - PASTEL_MIX)
    if style == 'neon':
        return x / NEON_DIM
    if style == 'sketch':
        return (x - (1 - SKETCH_FADE) * x.new_tensor(PAPER).view(3, 1)) / SKETCH_FADE
    return x


def _two_means(p, iters=8):
    """p (N, 3): two cluster centres and assignments. Started from a split midway between the 5th
    and 95th percentiles along the main axis of the colours, not from the farthest points: a few
    stray pixels (an object's antialiased rim, a star) must not become a cluster of their own."""
    c = p.mean(0)
    _, vecs = torch.linalg.eigh((p - c).T @ (p - c))                       # (3, 3), ascending
    proj = (p - c) @ vecs[:, -1]                                           # (N,)
    lo, hi = torch.quantile(proj, torch.tensor([0.05, 0.95]))
    z = proj > (lo + hi) / 2
    if z.all() or (~z).all():
        return c, c, z
    a, b = p[~z].mean(0), p[z].mean(0)
    for _ in range(iters):
        z = ((p - a) ** 2).sum(1) > ((p - b) ** 2).sum(1)
        if z.all() or (~z).all():
            break
        a, b = p[~z].mean(0), p[z].mean(0)
    z = ((p - a) ** 2).sum(1) > ((p - b) ** 2).sum(1)
    return a, b, z


def background_features(frames, keep):
    """frames (3, F, H, W) in [0, 1]; keep (F, H, W) bool: background pixels to use."""
    _, f, h, w = frames.shape
    # Row and column indices per frame (a pan or zoom moves the pattern between frames).
    frame = torch.arange(f).view(f, 1, 1)
    rows = (torch.arange(h).view(1, h, 1) + frame * h).expand(f, h, w)[keep]
    cols = (torch.arange(w).view(1, 1, w) + frame * w).expand(f, h, w)[keep]
    p = frames.permute(1, 2, 3, 0)[keep]                                     # (N, 3)
    if p.shape[0] > 40000:
        idx = torch.linspace(0, p.shape[0] - 1, 40000).long()
        p, rows, cols = p[idx], rows[idx], cols[idx]
    a, b, z = _two_means(p)
    gap = (a - b).norm().item()
    near = torch.minimum((p - a).norm(dim=1), (p - b).norm(dim=1))
    tight = (near < 0.15 * gap + 0.004).float().mean().item()
    zf = z.float()
    var = zf.var().item() + 1e-9

    def explained(idx, n):
        s = torch.zeros(n).index_add_(0, idx, zf)
        c = torch.zeros(n).index_add_(0, idx, torch.ones_like(zf)).clamp(min=1)
        m = s / c
        return (m[idx].var().item()) / var
    return {'p': p, 'rows': rows, 'gap': gap, 'tight': tight,
            'row_expl': explained(rows, f * h), 'col_expl': explained(cols, f * w), 'h': h,
            'minority': min(zf.mean().item(), 1 - zf.mean().item())}


def classify_background(frames, keep, style):
    f = background_features(frames, keep)
    p = f['p']
    q = unstyle(p.T, style).T                                                # (N, 3) unstyled
    gap_unstyled = {'pastel': 1 / (1 - PASTEL_MIX), 'neon': 1 / NEON_DIM, 'sketch': 1 / SKETCH_FADE}.get(style, 1.0) * f['gap']
    if f['tight'] > 0.85 and gap_unstyled > 0.2 and f['minority'] > 0.2:
        kind = 'stripes' if max(f['row_expl'], f['col_expl']) > 0.6 else 'checker'
        return kind, f
    r = f['rows'] % f['h']
    top = q[r < f['h'] / 4].mean(0)
    bottom = q[r >= 3 * f['h'] / 4].mean(0)
    best, kind = 1e9, None
    for name, (t, b) in THEMES.items():
        d = (top - top.new_tensor(t)).norm() + (bottom - bottom.new_tensor(b)).norm()
        if d < best:
            best, kind = d.item(), name
    return (kind if best < 0.25 else 'plain'), f
