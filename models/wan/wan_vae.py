"""The Wan VAE's parameters (WanVAE_ in Wan-Video/Wan2.1 wan/modules/vae.py), for its key-and-shape
manifest. Only the module tree is here: the names and shapes a checkpoint must have. The decoder's
forward (causal convolutions with a two-frame cache) comes with the optional full-VAE decoder;
TAEHV (taehv.py) is the default decoder.

Names, from upstream's nesting: `encoder.` / `decoder.` + conv1, downsamples.N / middle.N /
upsamples.N, head.N; a residual block is `residual.{0,2,3,6}` (norm, conv, norm, conv; the SiLU and
dropout between them hold nothing) and `shortcut`; resampling is `resample.1` (the 2D conv after
a pad or an upsample) and `time_conv`; the RMS norm's weight is `gamma`, (C, 1, 1, 1) over video,
(C, 1, 1) over images (the attention block's).
"""
import torch
import torch.nn as nn


def causal_conv(c_in, c_out, kernel, stride=1):
    """CausalConv3d holds an ordinary Conv3d's parameters; its padding is applied in forward."""
    return nn.Conv3d(c_in, c_out, kernel, stride)


class ChannelRMSNorm(nn.Module):
    def __init__(self, channels, images):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones((channels, 1, 1) if images else (channels, 1, 1, 1)))


class ResidualBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.residual = nn.Sequential(
            ChannelRMSNorm(c_in, images=False), nn.SiLU(), causal_conv(c_in, c_out, 3),
            ChannelRMSNorm(c_out, images=False), nn.SiLU(), nn.Dropout(0.0), causal_conv(c_out, c_out, 3))
        self.shortcut = causal_conv(c_in, c_out, 1) if c_in != c_out else nn.Identity()


class AttentionBlock(nn.Module):
    """Single-head attention over the pixels of each frame."""

    def __init__(self, channels):
        super().__init__()
        self.norm = ChannelRMSNorm(channels, images=True)
        self.to_qkv = nn.Conv2d(channels, channels * 3, 1)
        self.proj = nn.Conv2d(channels, channels, 1)


class Resample(nn.Module):
    """2x down or up in space (a 2D conv per frame), and in time where `temporal` (a causal conv
    over 3 frames: stride 2 going down; twice the channels, split into two frames, going up)."""

    def __init__(self, channels, up, temporal):
        super().__init__()
        pad_or_upsample = nn.Identity()
        self.resample = nn.Sequential(pad_or_upsample, nn.Conv2d(channels, channels // 2 if up else channels, 3))
        if temporal:
            self.time_conv = causal_conv(channels, channels * 2, (3, 1, 1)) if up else causal_conv(channels, channels, (3, 1, 1), (2, 1, 1))


def middle(channels):
    return nn.Sequential(ResidualBlock(channels, channels), AttentionBlock(channels), ResidualBlock(channels, channels))


def head(channels, c_out):
    return nn.Sequential(ChannelRMSNorm(channels, images=False), nn.SiLU(), causal_conv(channels, c_out, 3))


class Encoder3d(nn.Module):
    def __init__(self, dim, z_channels, dim_mult, num_res_blocks, temporal):
        super().__init__()
        widths = [dim * m for m in [1] + dim_mult]
        self.conv1 = causal_conv(3, widths[0], 3)
        blocks = []
        for level, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:])):
            for _ in range(num_res_blocks):
                blocks.append(ResidualBlock(c_in, c_out))
                c_in = c_out
            if level != len(dim_mult) - 1:
                blocks.append(Resample(c_out, up=False, temporal=temporal[level]))
        self.downsamples = nn.Sequential(*blocks)
        self.middle = middle(widths[-1])
        self.head = head(widths[-1], z_channels)


class Decoder3d(nn.Module):
    def __init__(self, dim, z_channels, dim_mult, num_res_blocks, temporal):
        super().__init__()
        widths = [dim * m for m in [dim_mult[-1]] + dim_mult[::-1]]
        self.conv1 = causal_conv(z_channels, widths[0], 3)
        self.middle = middle(widths[0])
        blocks = []
        for level, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:])):
            if level > 0:
                c_in //= 2          # each upsampling's 2D conv halved the channels
            for _ in range(num_res_blocks + 1):
                blocks.append(ResidualBlock(c_in, c_out))
                c_in = c_out
            if level != len(dim_mult) - 1:
                blocks.append(Resample(c_out, up=True, temporal=temporal[level]))
        self.upsamples = nn.Sequential(*blocks)
        self.head = head(widths[-1], 3)


class WanVAE(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        z = cfg['z_dim']
        down = cfg['temperal_downsample']
        self.encoder = Encoder3d(cfg['dim'], z * 2, cfg['dim_mult'], cfg['num_res_blocks'], down)
        self.conv1 = causal_conv(z * 2, z * 2, 1)
        self.conv2 = causal_conv(z, z, 1)
        self.decoder = Decoder3d(cfg['dim'], z, cfg['dim_mult'], cfg['num_res_blocks'], down[::-1])
