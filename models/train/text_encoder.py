"""T5-style text encoder (the umT5 encoder of Wan 2.1, at any size).

Tensor names follow Wan 2.1's T5 encoder state dict (token_embedding, blocks.N.{norm1, attn.{q,k,v,o},
norm2, ffn.{gate.0, fc1, fc2}, pos_embedding.embedding}, norm) so umT5 weights load by name.
T5 specifics kept on purpose: RMSNorm without mean subtraction or bias, no 1/sqrt(d) attention scale
(T5 folds it into the init), a learned relative position bias in every layer (umT5 does not share it),
gated-GELU FFN fc1(x) * gelu_tanh(gate(x)), no biases anywhere.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class T5LayerNorm(nn.Module):
    """RMSNorm: x / rms(x) * weight; no mean subtraction, no bias; computed in float32."""

    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        x = x.float() * torch.rsqrt(x.float().pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return self.weight * x


def relative_position_bucket(rel_pos, num_buckets, max_distance):
    """T5's bidirectional bucketing of key_pos - query_pos.

    Half the buckets for each sign; within a half, the first half of the buckets are exact
    distances (0..max_exact-1), the rest are log-spaced up to max_distance.
    """
    num_buckets //= 2                                                  # per direction
    buckets = (rel_pos > 0).long() * num_buckets
    rel_pos = rel_pos.abs()
    max_exact = num_buckets // 2
    # clamp(min=1): log(0) would be -inf, cast to int in the discarded branch (undefined in ONNX/WASM)
    large = max_exact + (torch.log(rel_pos.clamp(min=1).float() / max_exact) / math.log(max_distance / max_exact)
                         * (num_buckets - max_exact)).long()
    large = torch.clamp(large, max=num_buckets - 1)
    return buckets + torch.where(rel_pos < max_exact, rel_pos, large)


class T5RelativeEmbedding(nn.Module):
    def __init__(self, num_buckets, num_heads, max_distance):
        super().__init__()
        self.num_buckets, self.max_distance = num_buckets, max_distance
        self.embedding = nn.Embedding(num_buckets, num_heads)

    def forward(self, lq, lk):
        pos = torch.arange(lk).unsqueeze(0) - torch.arange(lq).unsqueeze(1)   # (Lq, Lk) key - query
        bucket = relative_position_bucket(pos, self.num_buckets, self.max_distance)
        bias = self.embedding(bucket)                                       # (Lq, Lk, heads)
        return bias.permute(2, 0, 1).unsqueeze(0)                           # (1, heads, Lq, Lk)


class T5Attention(nn.Module):
    def __init__(self, dim, num_heads, head_dim):
        super().__init__()
        self.num_heads, self.head_dim = num_heads, head_dim
        inner = num_heads * head_dim
        self.q = nn.Linear(dim, inner, bias=False)
        self.k = nn.Linear(dim, inner, bias=False)
        self.v = nn.Linear(dim, inner, bias=False)
        self.o = nn.Linear(inner, dim, bias=False)

    def forward(self, x, mask, pos_bias):
        # x: (B, L, dim), mask: (B, L) 1 = real token, pos_bias: (1, heads, L, L)
        b, l, _ = x.shape
        n, d = self.num_heads, self.head_dim
        q = self.q(x).view(b, l, n, d).transpose(1, 2)                  # (B, heads, L, d)
        k = self.k(x).view(b, l, n, d).transpose(1, 2)
        v = self.v(x).view(b, l, n, d).transpose(1, 2)
        # Padded keys get the most negative float32 (as upstream), added so it broadcasts over B.
        bias = pos_bias + (mask.view(b, 1, 1, l) == 0).float() * torch.finfo(torch.float32).min
        scores = q @ k.transpose(-1, -2) + bias                          # (B, heads, L, L); no 1/sqrt(d)
        attn = scores.float().softmax(dim=-1).type_as(x)
        y = (attn @ v).transpose(1, 2).reshape(b, l, n * d)              # (B, L, heads*d)
        return self.o(y)


class T5FeedForward(nn.Module):
    def __init__(self, dim, ffn_dim):
        super().__init__()
        self.gate = nn.Sequential(nn.Linear(dim, ffn_dim, bias=False), nn.GELU(approximate='tanh'))
        self.fc1 = nn.Linear(dim, ffn_dim, bias=False)
        self.fc2 = nn.Linear(ffn_dim, dim, bias=False)

    def forward(self, x):
        return self.fc2(self.fc1(x) * self.gate(x))


class T5Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        dim = cfg['dim']
        self.norm1 = T5LayerNorm(dim, cfg['eps'])
        self.attn = T5Attention(dim, cfg['num_heads'], cfg['head_dim'])
        self.norm2 = T5LayerNorm(dim, cfg['eps'])
        self.ffn = T5FeedForward(dim, cfg['ffn_dim'])
        self.pos_embedding = T5RelativeEmbedding(cfg['num_buckets'], cfg['num_heads'], cfg['max_distance'])

    def forward(self, x, mask):
        pos_bias = self.pos_embedding(x.shape[1], x.shape[1])           # (1, heads, L, L)
        x = x + self.attn(self.norm1(x), mask, pos_bias)
        x = x + self.ffn(self.norm2(x))
        return x


class TextEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.token_embedding = nn.Embedding(cfg['vocab_size'], cfg['dim'])
        self.blocks = nn.ModuleList([T5Block(cfg) for _ in range(cfg['num_layers'])])
        self.norm = T5LayerNorm(cfg['dim'], cfg['eps'])

    def forward(self, ids, mask, trace=None):
        """ids, mask: (B, L) int; returns (B, L, dim). `trace`, if a dict, receives activations."""
        x = self.token_embedding(ids)                                    # (B, L, dim)
        if trace is not None:
            trace['token_embedding'] = x
        for i, block in enumerate(self.blocks):
            x = block(x, mask)
            if trace is not None:
                trace[f'blocks.{i}'] = x
        x = self.norm(x)
        if trace is not None:
            trace['norm'] = x
        return x
