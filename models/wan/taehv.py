"""TAEHV for Wan 2.1 (madebyollin/taehv, `taew2_1.pth`, MIT) as our twin: a tiny causal video
autoencoder. Parameter names are indices into two nn.Sequential stacks, so the stacks below keep
upstream's order exactly: `encoder.N.*`, `decoder.N.*`; a memory block is `conv.{0,2,4}` plus an
optional 1x1 `skip`; a time pool/grow is one 1x1 `conv`.

Decoding runs all frames at once (upstream's "parallel" mode): each memory block sees its input
and the same input one frame earlier (zeros before the first frame), so frame t depends only on
frames <= t. A time-grow block turns each frame into `stride` frames (a 1x1 conv to stride*C
channels, split in order). Of the 4T frames from T latents the first 3 are dropped, as upstream
does, so T latents give 4T - 3 frames (Wan's VAE: 1 + 4(T - 1)).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv3x3(c_in, c_out, stride=1, bias=True):
    return nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=bias)


class SoftClamp(nn.Module):
    """Latents squashed into (-3, 3) before decoding."""

    def forward(self, x):
        return torch.tanh(x / 3) * 3


class MemBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv = nn.Sequential(conv3x3(c_in * 2, c_out), nn.ReLU(), conv3x3(c_out, c_out), nn.ReLU(), conv3x3(c_out, c_out))
        self.skip = nn.Conv2d(c_in, c_out, 1, bias=False) if c_in != c_out else nn.Identity()

    def forward(self, x, past):
        # x, past: (N*T, C, H, W), past = the same frames one step earlier
        return F.relu(self.conv(torch.cat([x, past], dim=1)) + self.skip(x))


class TimePool(nn.Module):
    """`stride` consecutive frames -> one (their channels stacked, then a 1x1 conv)."""

    def __init__(self, channels, stride):
        super().__init__()
        self.stride = stride
        self.conv = nn.Conv2d(channels * stride, channels, 1, bias=False)

    def forward(self, x):
        nt, c, h, w = x.shape
        return self.conv(x.reshape(nt // self.stride, self.stride * c, h, w))


class TimeGrow(nn.Module):
    """One frame -> `stride` frames (a 1x1 conv to stride*C channels, read as stride frames in order)."""

    def __init__(self, channels, stride):
        super().__init__()
        self.stride = stride
        self.conv = nn.Conv2d(channels, channels * stride, 1, bias=False)

    def forward(self, x):
        nt, c, h, w = x.shape
        return self.conv(x).reshape(nt * self.stride, c, h, w)


def encoder_stack(cfg):
    f, layers = 64, [conv3x3(cfg['image_channels'], 64), nn.ReLU()]
    for level, down in enumerate(cfg['encoder_time_downscale']):
        layers += [TimePool(f, 2 if down else 1), conv3x3(f, f, stride=2, bias=False), MemBlock(f, f), MemBlock(f, f), MemBlock(f, f)]
    return nn.Sequential(*layers, conv3x3(f, cfg['latent_channels']))


def decoder_stack(cfg):
    widths = [256, 128, 64, 64]
    layers = [SoftClamp(), conv3x3(cfg['latent_channels'], widths[0]), nn.ReLU()]
    for level, (up_time, up_space) in enumerate(zip(cfg['decoder_time_upscale'], cfg['decoder_space_upscale'])):
        f = widths[level]
        layers += [MemBlock(f, f), MemBlock(f, f), MemBlock(f, f), nn.Upsample(scale_factor=2 if up_space else 1),
                   TimeGrow(f, 2 if up_time else 1), conv3x3(f, widths[level + 1], bias=False)]
    return nn.Sequential(*layers, nn.ReLU(), conv3x3(widths[-1], cfg['image_channels']))


def run_stack(stack, x, trace=None, prefix=''):
    """x: (N, T, C, H, W) -> (N, T', C', H', W'), all frames at once; `trace` gets each block's output."""
    n = x.shape[0]
    x = x.flatten(0, 1)                                                # (N*T, C, H, W)
    for i, block in enumerate(stack):
        if isinstance(block, MemBlock):
            frames = x.unflatten(0, (n, -1))                           # (N, T, C, H, W)
            past = F.pad(frames, (0, 0, 0, 0, 0, 0, 1, 0))[:, :-1]     # one frame later, zeros first
            x = block(x, past.flatten(0, 1))
        else:
            x = block(x)
        if trace is not None:
            trace[f'{prefix}{i}'] = x
    return x.unflatten(0, (n, -1))


class TAEHV(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = encoder_stack(cfg)
        self.decoder = decoder_stack(cfg)
        self.frames_to_trim = 2 ** sum(cfg['decoder_time_upscale']) - 1

    def decode_video(self, latents, trace=None):
        """latents: (N, T, 16, H, W) -> frames (N, 4T - 3, 3, 8H, 8W) in [0, 1]."""
        frames = run_stack(self.decoder, latents, trace, 'decoder.')
        return frames.clamp(0, 1)[:, self.frames_to_trim:]
