"""Convolutional VAE, applied frame by frame (temporal_factor 1), cheap enough to train on a CPU.

Spatial factor = patch_size · 2^(len(channel_mult) − 1). The encoder starts with a patchify (a
stride-p convolution with a p×p kernel: a linear map of each p×p pixel patch, so no convolution runs
at full resolution), then one level per channel_mult entry with a stride-2 convolution between
levels. The decoder mirrors it and ends in a 3·p² channel convolution and a pixel shuffle (ONNX
DepthToSpace). Why: a 3×3 convolution at 256² with 32 channels alone costs 1.2 GFLOP per frame; at
zoetrope-s's widths the encoder is ≈ 1.0 GFLOP and the decoder ≈ 2.6 GFLOP per 256² frame
(test_model.py counts them).

Plain ONNX-friendly ops only (Conv, Resize nearest, ReduceL2, Sigmoid, DepthToSpace, Add/Mul) so the
graphs run on onnxruntime-web's WebGPU and WASM EPs. The norm is Wan-VAE's: L2-normalise over
channels, times sqrt(C) and a learned gamma (an RMSNorm over channels), not GroupNorm.

Pixels are in [-1, 1]. The encoder predicts (mean, logvar) of the latent; inference uses the mean.
Shapes: video (B, 3, F, H, W) <-> latents (B, C, F, H/s, W/s), s = spatial_factor.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def level_widths(cfg):
    return [cfg['base_channels'] * m for m in cfg['channel_mult']]


def spatial_factor(cfg):
    return cfg['patch_size'] * 2 ** (len(cfg['channel_mult']) - 1)


class ChannelRMSNorm(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.scale = channels ** 0.5
        self.gamma = nn.Parameter(torch.ones(channels, 1, 1))

    def forward(self, x):
        return F.normalize(x, dim=1) * self.scale * self.gamma          # (N, C, H, W)


class ResBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.norm1 = ChannelRMSNorm(cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2 = ChannelRMSNorm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return self.shortcut(x) + h


class Level(nn.Module):
    """ResBlocks at one resolution, then (except at the last level) a 2x resampling:
    down: a stride-2 3×3 convolution; up: nearest-neighbour doubling and a 3×3 convolution."""

    def __init__(self, cin, cout, num_res_blocks, resample):
        super().__init__()
        self.res = nn.ModuleList([ResBlock(cin if i == 0 else cout, cout) for i in range(num_res_blocks)])
        if resample == 'down':
            self.resample = nn.Conv2d(cout, cout, 3, stride=2, padding=1)
        elif resample == 'up':
            self.resample = nn.Sequential(nn.Upsample(scale_factor=2.0, mode='nearest'),
                                          nn.Conv2d(cout, cout, 3, padding=1))
        else:
            self.resample = nn.Identity()

    def forward(self, x):
        for block in self.res:
            x = block(x)
        return self.resample(x)


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        p, widths = cfg['patch_size'], level_widths(cfg)
        last = len(widths) - 1
        self.conv_in = nn.Conv2d(cfg['image_channels'], widths[0], p, stride=p)   # patchify
        self.down = nn.ModuleList([Level(widths[max(i - 1, 0)], widths[i], cfg['num_res_blocks'],
                                         'down' if i < last else None) for i in range(len(widths))])
        self.norm_out = ChannelRMSNorm(widths[-1])
        self.conv_out = nn.Conv2d(widths[-1], 2 * cfg['latent_channels'], 3, padding=1)

    def forward(self, x):
        x = self.conv_in(x)                                              # (N, c0, H/p, W/p)
        for level in self.down:
            x = level(x)                                                 # halves H, W but the last
        return self.conv_out(F.silu(self.norm_out(x)))                   # (N, 2C, H/s, W/s): mean, logvar


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        p, widths = cfg['patch_size'], list(reversed(level_widths(cfg)))
        last = len(widths) - 1
        blocks = cfg['decoder_res_blocks']
        self.conv_in = nn.Conv2d(cfg['latent_channels'], widths[0], 3, padding=1)
        self.up = nn.ModuleList([Level(widths[max(i - 1, 0)], widths[i], blocks, 'up' if i < last else None)
                                 for i in range(len(widths))])
        self.norm_out = ChannelRMSNorm(widths[-1])
        self.conv_out = nn.Conv2d(widths[-1], cfg['image_channels'] * p * p, 3, padding=1)
        self.patch = p

    def forward(self, z):
        x = self.conv_in(z)                                              # (N, c_top, h, w)
        for level in self.up:
            x = level(x)                                                 # doubles h, w but the last
        x = self.conv_out(F.silu(self.norm_out(x)))                      # (N, 3·p², H/p, W/p)
        return F.pixel_shuffle(x, self.patch)                            # (N, 3, H, W) in about [-1, 1]


def frames_to_batch(x):
    """(B, C, F, H, W) -> (B*F, C, H, W): the VAE works frame by frame."""
    b, c, f, h, w = x.shape
    return x.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w)


def batch_to_frames(x, b):
    n, c, h, w = x.shape
    return x.reshape(b, n // b, c, h, w).permute(0, 2, 1, 3, 4)


class VAE(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = Decoder(cfg)

    def encode(self, video):
        """(B, 3, F, H, W) -> (mean, logvar), each (B, C, F, H/s, W/s)."""
        moments = self.encoder(frames_to_batch(video))
        mean, logvar = moments.chunk(2, dim=1)
        return batch_to_frames(mean, video.shape[0]), batch_to_frames(logvar, video.shape[0])

    def decode(self, latents):
        """(B, C, F, h, w) -> (B, 3, F, s·h, s·w)."""
        return batch_to_frames(self.decoder(frames_to_batch(latents)), latents.shape[0])
