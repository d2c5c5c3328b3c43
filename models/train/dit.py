"""Wan-2.1-style video diffusion transformer (DiT), with Zoetrope's masked-frame input.

Follows ../shared/reference/wan21-architecture.md; parameter names equal Wan 2.1's state-dict names,
so loading a Wan checkpoint is a name map, not a rewrite (except patch_embedding, see below).

Masked-frame input (DESIGN.md): some latent frames are given clean (image-to-video, extension,
in-betweening, and the context frames of each later chunk). The DiT sees
    concat(noisy latents x_t, clean latents * mask, mask)   along channels,
so patch_embedding has 2*C + 1 input channels (C = dit.in_channels, the latent channels). The mask is
1 on given frames, 0 on generated ones, at latent resolution. The output is the flow-matching
velocity (noise - x0) for all frames; the sampler keeps the given frames as they are.

Precision: norms, modulation and the residual stream in float32 (as upstream); timestep sinusoid and
RoPE angles are computed in float64, then cast to float32.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from config import patch_in_channels


def sinusoidal_embedding(freq_dim, t):
    """t: (B,) timesteps in [0, 1000]; returns (B, freq_dim) laid out [cos, sin], computed in float64."""
    half = freq_dim // 2
    t = t.to(torch.float64)
    freqs = torch.pow(10000.0, -torch.arange(half, dtype=torch.float64) / half)   # (half,)
    args = t[:, None] * freqs[None, :]                                            # (B, half)
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1).float()


def rope_axis_dims(head_dim):
    """Complex pairs per axis (frame, row, column): time gets d/2 - 2*floor(d/6), rows and columns floor(d/6)."""
    hw = head_dim // 6
    return head_dim // 2 - 2 * hw, hw, hw


def rope_cos_sin(head_dim, f, h, w, theta=10000.0):
    """cos and sin of the 3D RoPE angles for tokens ordered (f, h, w) row-major: each (f*h*w, head_dim/2).

    Each axis has its own frequency base over its own pair count n: theta^(-2j/(2n)), j < n.
    Positions are integer indices starting at 0 in every window (the chunk contract).
    """
    angles = []
    for n, pos in zip(rope_axis_dims(head_dim), (f, h, w)):
        inv = 1.0 / torch.pow(theta, torch.arange(0, 2 * n, 2, dtype=torch.float64) / (2 * n))  # (n,)
        angles.append(torch.arange(pos, dtype=torch.float64)[:, None] * inv[None, :])         # (pos, n)
    at, ah, aw = angles
    nt, nh, nw = at.shape[1], ah.shape[1], aw.shape[1]
    grid = torch.cat([
        at[:, None, None, :].expand(f, h, w, nt),
        ah[None, :, None, :].expand(f, h, w, nh),
        aw[None, None, :, :].expand(f, h, w, nw),
    ], dim=-1).reshape(f * h * w, nt + nh + nw)                                              # (L, d/2)
    return torch.cos(grid).float(), torch.sin(grid).float()


def rope_apply(x, cos, sin):
    """x: (B, L, heads, d); rotates interleaved pairs (2i, 2i+1) by the angles; cos/sin: (L, d/2)."""
    b, l, n, d = x.shape
    x = x.float().reshape(b, l, n, d // 2, 2)
    x0, x1 = x[..., 0], x[..., 1]                                         # (B, L, heads, d/2)
    c, s = cos[None, :, None, :], sin[None, :, None, :]
    return torch.stack([x0 * c - x1 * s, x0 * s + x1 * c], dim=-1).reshape(b, l, n, d)


def attention(q, k, v):
    """q: (B, Lq, heads, d), k/v: (B, Lk, heads, d); softmax(q k^T / sqrt(d)) v -> (B, Lq, heads*d)."""
    b, lq, n, d = q.shape
    q, k, v = (t.transpose(1, 2) for t in (q, k, v))                     # (B, heads, L, d)
    scores = (q @ k.transpose(-1, -2)) * d ** -0.5                        # (B, heads, Lq, Lk)
    y = scores.float().softmax(dim=-1).type_as(v) @ v                     # (B, heads, Lq, d)
    return y.transpose(1, 2).reshape(b, lq, n * d)


class WanRMSNorm(nn.Module):
    """RMSNorm over the full dim with a learned weight (q/k norm), in float32."""

    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x = x.float()
        return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps) * self.weight


class WanLayerNorm(nn.Module):
    """LayerNorm over the last dim in float32; affine (weight, bias) only for norm3.

    Written out rather than F.layer_norm: torch 1.13 exports a non-affine LayerNorm as an ONNX
    LayerNormalization with an empty scale input, which the checker rejects."""

    def __init__(self, dim, eps, elementwise_affine):
        super().__init__()
        self.eps = eps
        if elementwise_affine:
            self.weight = nn.Parameter(torch.ones(dim))
            self.bias = nn.Parameter(torch.zeros(dim))
        else:
            self.weight = self.bias = None

    def forward(self, x):
        x = x.float()
        mean = x.mean(dim=-1, keepdim=True)
        var = (x - mean).pow(2).mean(dim=-1, keepdim=True)               # biased, as LayerNorm
        x = (x - mean) * torch.rsqrt(var + self.eps)
        return x if self.weight is None else x * self.weight + self.bias


class WanSelfAttention(nn.Module):
    def __init__(self, dim, num_heads, eps, qk_norm=True):
        super().__init__()
        self.num_heads, self.head_dim = num_heads, dim // num_heads
        self.q, self.k, self.v, self.o = (nn.Linear(dim, dim) for _ in range(4))
        self.norm_q = WanRMSNorm(dim, eps) if qk_norm else nn.Identity()
        self.norm_k = WanRMSNorm(dim, eps) if qk_norm else nn.Identity()

    def forward(self, x, cos, sin):
        b, l, _ = x.shape
        n, d = self.num_heads, self.head_dim
        q = self.norm_q(self.q(x)).view(b, l, n, d)                       # (B, L, heads, d)
        k = self.norm_k(self.k(x)).view(b, l, n, d)
        v = self.v(x).view(b, l, n, d)
        y = attention(rope_apply(q, cos, sin), rope_apply(k, cos, sin), v)  # (B, L, dim)
        return self.o(y)


class WanCrossAttention(WanSelfAttention):
    """Queries from the video tokens, keys/values from the text tokens; no RoPE, no mask (as upstream)."""

    def forward(self, x, context):
        b, l, _ = x.shape
        n, d = self.num_heads, self.head_dim
        q = self.norm_q(self.q(x)).view(b, l, n, d)                       # (B, L, heads, d)
        k = self.norm_k(self.k(context)).view(b, -1, n, d)                # (B, Lt, heads, d)
        v = self.v(context).view(b, -1, n, d)
        return self.o(attention(q, k, v))


class WanAttentionBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        dim, eps = cfg['dim'], cfg['eps']
        self.norm1 = WanLayerNorm(dim, eps, elementwise_affine=False)
        self.self_attn = WanSelfAttention(dim, cfg['num_heads'], eps, cfg['qk_norm'])
        self.norm3 = WanLayerNorm(dim, eps, elementwise_affine=True) if cfg['cross_attn_norm'] else nn.Identity()
        self.cross_attn = WanCrossAttention(dim, cfg['num_heads'], eps, cfg['qk_norm'])
        self.norm2 = WanLayerNorm(dim, eps, elementwise_affine=False)
        self.ffn = nn.Sequential(nn.Linear(dim, cfg['ffn_dim']), nn.GELU(approximate='tanh'),
                                 nn.Linear(cfg['ffn_dim'], dim))
        self.modulation = nn.Parameter(torch.randn(1, 6, dim) / dim ** 0.5)

    def forward(self, x, e0, context, cos, sin, trace=None, prefix=''):
        # x: (B, L, dim) float32 residual stream; e0: (B, 6, dim)
        shift1, scale1, gate1, shift2, scale2, gate2 = (self.modulation + e0).chunk(6, dim=1)  # each (B, 1, dim)
        y = self.self_attn(self.norm1(x) * (1 + scale1) + shift1, cos, sin)
        x = x + y * gate1
        if trace is not None:
            trace[prefix + 'self_attn'] = x
        x = x + self.cross_attn(self.norm3(x), context)                  # no gate (as upstream)
        if trace is not None:
            trace[prefix + 'cross_attn'] = x
        y = self.ffn(self.norm2(x) * (1 + scale2) + shift2)
        x = x + y * gate2
        return x


class Head(nn.Module):
    def __init__(self, dim, out_dim, patch, eps):
        super().__init__()
        self.norm = WanLayerNorm(dim, eps, elementwise_affine=False)
        self.head = nn.Linear(dim, out_dim * patch[0] * patch[1] * patch[2])
        self.modulation = nn.Parameter(torch.randn(1, 2, dim) / dim ** 0.5)

    def forward(self, x, e):
        # e (not e0): (B, dim)
        shift, scale = (self.modulation + e.unsqueeze(1)).chunk(2, dim=1)  # each (B, 1, dim)
        return self.head(self.norm(x) * (1 + scale) + shift)             # (B, L, out*pf*ph*pw)


class DiT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        dim, patch = cfg['dim'], tuple(cfg['patch'])
        self.patch, self.out_channels = patch, cfg['out_channels']
        self.patch_embedding = nn.Conv3d(patch_in_channels(cfg), dim, kernel_size=patch, stride=patch)
        self.text_embedding = nn.Sequential(nn.Linear(cfg['text_dim'], dim), nn.GELU(approximate='tanh'),
                                            nn.Linear(dim, dim))
        self.time_embedding = nn.Sequential(nn.Linear(cfg['freq_dim'], dim), nn.SiLU(), nn.Linear(dim, dim))
        self.time_projection = nn.Sequential(nn.SiLU(), nn.Linear(dim, dim * 6))
        self.blocks = nn.ModuleList([WanAttentionBlock(cfg) for _ in range(cfg['num_layers'])])
        self.head = Head(dim, cfg['out_channels'], patch, cfg['eps'])

    def unpatchify(self, x, f, h, w):
        """(B, f*h*w, pf*ph*pw*C), per-token layout (pf, ph, pw, C) -> (B, C, f*pf, h*ph, w*pw)."""
        b, c = x.shape[0], self.out_channels
        pf, ph, pw = self.patch
        x = x.view(b, f, h, w, pf, ph, pw, c)
        x = x.permute(0, 7, 1, 4, 2, 5, 3, 6)                             # (B, C, f, pf, h, ph, w, pw)
        return x.reshape(b, c, f * pf, h * ph, w * pw)

    def forward(self, x, clean, mask, t, context, trace=None):
        """x, clean: (B, C, F, H, W) latents; mask: (B, 1, F, H, W), 1 = given; t: (B,) in [0, 1000];
        context: (B, text_len, text_dim), text tokens zero-padded to text_len.
        Returns the velocity (B, C, F, H, W). `trace`, if a dict, receives activations."""
        x = torch.cat([x, clean * mask, mask], dim=1)                     # (B, 2C+1, F, H, W)
        x = self.patch_embedding(x)                                       # (B, dim, F, H/2, W/2)
        f, h, w = x.shape[2], x.shape[3], x.shape[4]
        x = x.flatten(2).transpose(1, 2)                                  # (B, L, dim), tokens (f, h, w) row-major
        cos, sin = rope_cos_sin(self.cfg['head_dim'], f, h, w, self.cfg['rope_theta'])  # (L, d/2) each

        e = self.time_embedding(sinusoidal_embedding(self.cfg['freq_dim'], t))  # (B, dim)
        e0 = self.time_projection(e).view(-1, 6, self.cfg['dim'])        # (B, 6, dim)
        context = self.text_embedding(context)                           # (B, text_len, dim)
        if trace is not None:
            trace.update({'patch_embedding': x, 'time_embedding': e, 'time_projection': e0,
                          'text_embedding': context, 'rope.cos': cos, 'rope.sin': sin})

        for i, block in enumerate(self.blocks):
            x = block(x, e0, context, cos, sin, trace, f'blocks.{i}.')
            if trace is not None:
                trace[f'blocks.{i}'] = x
        x = self.head(x, e)                                               # (B, L, 4C)
        if trace is not None:
            trace['head'] = x
        return self.unpatchify(x, f, h, w)
