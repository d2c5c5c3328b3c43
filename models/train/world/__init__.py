"""The procedural world zoetrope-s is trained on: random captioned scenes, rendered in batched torch.

    from world import sample_batch
    video, captions, specs = sample_batch(8, 256, 448, 16, 12.0, torch.Generator().manual_seed(0))
    # video (B, 3, F, H, W) float32 in [-1, 1]; captions list[str]; specs list[SceneSpec]

Deterministic from the generator's state: the same seed gives the same specs, captions and pixels
(on one device; CPU and CUDA differ only in float rounding).
"""
import torch

from .captions import attributes, caption, parse_caption, words
from .held_out import is_held_out
from .render import render
from .scene import sample_scene
from .spec import ObjectSpec, SceneSpec

__all__ = ['sample_batch', 'render', 'caption', 'parse_caption', 'attributes', 'sample_scene',
           'is_held_out', 'ObjectSpec', 'SceneSpec', 'words']


def sample_batch(batch_size, height, width, frames, fps, generator, device='cpu', split='train'):
    """batch_size random scenes (split 'train' or 'held_out'), their captions, rendered clips."""
    specs = [sample_scene(generator, split) for _ in range(batch_size)]
    captions = [caption(s, generator) for s in specs]
    video = render(specs, height, width, frames, fps, device)        # (B, 3, F, H, W)
    return video, captions, specs
