"""Convolutional VAE: 8x spatial, applied frame by frame (temporal_factor 1).

Plain ONNX-friendly ops only (Conv, Resize nearest, ReduceL2, Sigmoid, Add/Mul) so the graphs run on
onnxruntime-web's WebGPU EP. The norm is Wan-VAE's: L2-normalise over channels, times sqrt(C) and a
learned gamma (an RMSNorm over channels), not GroupNorm.

Pixels are in [-1, 1]. The encoder predicts (mean, logvar) of the latent; inference uses the mean.
Shapes: video (B, 3, F, H, W) <-> latents (B, C, F, H/8, W/8).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


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


class Stage(nn.Module):
    """ResBlocks at one resolution, then a 2x resampling (down: strided conv; up: nearest + conv)."""

    def __init__(self, cin, cout, num_res_blocks, direction):
        super().__init__()
        self.res = nn.ModuleList([ResBlock(cin if i == 0 else cout, cout) for i in range(num_res_blocks)])
        if direction == 'down':
            self.resample = nn.Conv2d(cout, cout, 3, stride=2, padding=1)
        else:
            self.resample = nn.Sequential(nn.Upsample(scale_factor=2.0, mode='nearest'),
                                          nn.Conv2d(cout, cout, 3, padding=1))

    def forward(self, x):
        for block in self.res:
            x = block(x)
        return self.resample(x)


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        widths = [cfg['base_channels'] * m for m in cfg['channel_mult']]
        self.conv_in = nn.Conv2d(cfg['image_channels'], widths[0], 3, padding=1)
        self.down = nn.ModuleList([Stage(widths[max(i - 1, 0)], widths[i], cfg['num_res_blocks'], 'down')
                                   for i in range(len(widths))])
        self.mid = ResBlock(widths[-1], widths[-1])
        self.norm_out = ChannelRMSNorm(widths[-1])
        self.conv_out = nn.Conv2d(widths[-1], 2 * cfg['latent_channels'], 3, padding=1)

    def forward(self, x):
        x = self.conv_in(x)                                              # (N, c0, H, W)
        for stage in self.down:
            x = stage(x)                                                 # halves H, W
        x = self.mid(x)
        return self.conv_out(F.silu(self.norm_out(x)))                   # (N, 2C, H/8, W/8): mean, logvar


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        widths = [cfg['base_channels'] * m for m in reversed(cfg['channel_mult'])]
        self.conv_in = nn.Conv2d(cfg['latent_channels'], widths[0], 3, padding=1)
        self.mid = ResBlock(widths[0], widths[0])
        self.up = nn.ModuleList([Stage(widths[max(i - 1, 0)], widths[i], cfg['num_res_blocks'], 'up')
                                 for i in range(len(widths))])
        self.norm_out = ChannelRMSNorm(widths[-1])
        self.conv_out = nn.Conv2d(widths[-1], cfg['image_channels'], 3, padding=1)

    def forward(self, z):
        x = self.mid(self.conv_in(z))                                    # (N, c_top, h, w)
        for stage in self.up:
            x = stage(x)                                                 # doubles h, w
        return self.conv_out(F.silu(self.norm_out(x)))                   # (N, 3, 8h, 8w) in about [-1, 1]


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
        """(B, 3, F, H, W) -> (mean, logvar), each (B, C, F, H/8, W/8)."""
        moments = self.encoder(frames_to_batch(video))
        mean, logvar = moments.chunk(2, dim=1)
        return batch_to_frames(mean, video.shape[0]), batch_to_frames(logvar, video.shape[0])

    def decode(self, latents):
        """(B, C, F, h, w) -> (B, 3, F, 8h, 8w)."""
        return batch_to_frames(self.decoder(frames_to_batch(latents)), latents.shape[0])
