"""Styles change the whole clip. The constants are shared with the judge, which undoes them.

flat    objects filled with their colour over the background.
pastel  everything mixed halfway with white.
neon    the background dimmed to a fifth; objects glow (an exponential halo) around a bright core.
sketch  the background faded to paper; objects drawn as coloured outlines only.
pixel   rendered at 1/block resolution, upscaled with hard edges, colours quantised to few levels.
"""
import torch

PASTEL_MIX = 0.5
NEON_DIM = 0.2
NEON_GLOW = 0.7           # halo strength at the edge
NEON_GLOW_WIDTH = 0.3     # halo decay length, in object radii
PAPER = (0.96, 0.95, 0.90)
SKETCH_FADE = 0.3         # how much of the background shows through the paper
PIXEL_LEVELS = 8          # levels per channel


def pixel_block(height, width):
    """Side of a pixel-art block in real pixels: odd (at least 3), so block edges never line up
    with a video codec's 4/8/16-pixel transform grid and stay recognisable after compression."""
    return max(3, round(min(height, width) / 40)) | 1


def quantise(x):
    return torch.round(x * (PIXEL_LEVELS - 1)) / (PIXEL_LEVELS - 1)


def style_background(style, bg):
    if style == 'neon':
        return bg * NEON_DIM
    if style == 'sketch':
        return bg * SKETCH_FADE + bg.new_tensor(PAPER).view(3, 1, 1, 1) * (1 - SKETCH_FADE)
    return bg


def stroke_width(short_side_px):
    """Outline width in pixels: thin and the same for every object, so outlines read as outlines."""
    return max(1.5, 0.012 * short_side_px)


def style_colour(style, rgb):
    """The colour an object of palette colour rgb (3,) ends up drawn in (its core), for the judge."""
    rgb = torch.as_tensor(rgb, dtype=torch.float32)
    if style == 'pastel':
        return rgb * (1 - PASTEL_MIX) + PASTEL_MIX
    if style == 'pixel':
        return quantise(rgb)
    return rgb


def style_final(style, img):
    if style == 'pastel':
        return img * (1 - PASTEL_MIX) + PASTEL_MIX
    if style == 'pixel':
        return quantise(img)
    return img
