"""Wan2.1-T2V's DiT (WanModel) as our twin: models/train's DiT, whose parameter names are Wan's,
with the published model's input (the noisy latents alone, no masked given frames)."""
import torch
import torch.nn as nn

import train_path  # noqa: F401  (models/train on sys.path)
from dit import DiT


class LatentsOnlyPatchEmbedding(nn.Conv3d):
    """The published patch embedding takes C channels. Our DiT's forward concatenates
    (x, clean·mask, mask) before it; this keeps the first C channels, so that forward runs
    unchanged and the state-dict names stay `patch_embedding.{weight,bias}`."""

    def forward(self, x):
        return super().forward(x[:, :self.in_channels])


def wan_dit(cfg):
    """A WanModel-shaped DiT for `cfg` (configs.DIT_1_3B or a reduced copy)."""
    assert not cfg['masked_frame_input']
    model = DiT(cfg)
    patch = tuple(cfg['patch'])
    model.patch_embedding = LatentsOnlyPatchEmbedding(cfg['in_channels'], cfg['dim'], kernel_size=patch, stride=patch)
    return model


def velocity(model, x, t, context, trace=None):
    """Upstream's call: x (B, C, F, H, W) noisy latents, t (B,), context (B, L, text_dim) -> (B, C, F, H, W)."""
    unused = torch.zeros_like(x[:, :1])
    return model(x, unused.expand_as(x), unused, t, context, trace)
