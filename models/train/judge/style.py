"""Which style a clip is drawn in, from global pixel statistics (at the clip's own resolution).

pixel   hard block edges on the renderer's block grid: colour changes almost only at block borders.
sketch  the frame is mostly pale 'paper', and the coloured ink is thin lines (an erosion by the
        outline width removes nearly all of it; filled objects keep most of their area).
pastel  no dark or saturated pixel anywhere (everything was mixed halfway with white).
neon    most of the frame is dark (the background dimmed to a fifth).
flat    none of these.
"""
import torch
import torch.nn.functional as F

import math

from world.styles import pixel_block, stroke_width


def block_ratio(frames):
    """Mean colour change inside pixel-art blocks over the change across block borders (0 for pixel art)."""
    _, _, h, w = frames.shape
    b = pixel_block(h, w)
    dx = (frames[..., 1:] - frames[..., :-1]).abs().sum(0).mean((0, 1))      # (W-1,)
    dy = (frames[:, :, 1:] - frames[:, :, :-1]).abs().sum(0).mean((0, 2))    # (H-1,)
    edge_x = (torch.arange(1, w) % b) == 0
    edge_y = (torch.arange(1, h) % b) == 0
    inner = torch.cat([dx[~edge_x], dy[~edge_y]]).mean()
    edge = torch.cat([dx[edge_x], dy[edge_y]]).mean()
    return (inner / (edge + 1e-6)).item(), edge.item()


def style_features(frames):
    """frames (3, F, H, W) in [0, 1] -> dict of the statistics the rules use."""
    step = max(1, frames.shape[1] // 6)
    x = frames[:, ::step]
    lo, hi = x.min(0).values, x.max(0).values                               # (F', H, W)
    ink = (lo < 0.42) | (hi - lo > 0.5)
    paper = (lo > 0.6) & (hi - lo < 0.4)
    ratio, edge = block_ratio(frames)
    k = 2 * math.ceil(stroke_width(min(frames.shape[2:])) / 2) + 1
    eroded = -F.max_pool2d(-ink.float().unsqueeze(1), k, 1, k // 2).squeeze(1)
    thick = (eroded.sum() / ink.float().sum().clamp(min=1)).item()
    return {'block_ratio': ratio, 'block_edge': edge, 'ink_frac': ink.float().mean().item(),
            'paper_frac': paper.float().mean().item(), 'thick_ratio': thick,
            'dark_p50': hi.flatten().median().item()}


def detect_style(frames):
    f = style_features(frames)
    if f['block_ratio'] < 0.3 and f['block_edge'] > 1e-3:
        return 'pixel', f
    if f['paper_frac'] > 0.75 and f['ink_frac'] > 2e-4 and f['thick_ratio'] < 0.3:
        return 'sketch', f
    if f['ink_frac'] < 1e-3:
        return 'pastel', f
    if f['dark_p50'] < 0.245:
        return 'neon', f
    return 'flat', f
