"""The Zoetrope model family in PyTorch: one config JSON -> text encoder, DiT, VAE.

Each part lives in its own file (text_encoder.py, dit.py, vae.py), written to read like the
architecture notes; this module builds them from a config and holds what they share.
"""
import torch

from dit import DiT
from text_encoder import TextEncoder
from vae import VAE

__all__ = ['TextEncoder', 'DiT', 'VAE', 'build_models', 'count_params', 'init_random_', 'pad_text']


def build_models(cfg):
    """{'text_encoder', 'dit', 'vae'} modules for a config dict, in eval mode."""
    return {
        'text_encoder': TextEncoder(cfg['text_encoder']).eval(),
        'dit': DiT(cfg['dit']).eval(),
        'vae': VAE(cfg['vae']).eval(),
    }


def count_params(module):
    return sum(p.numel() for p in module.parameters())


@torch.no_grad()
def init_random_(module, seed):
    """Random weights for test models: PyTorch's default init from a fixed seed, then every norm weight
    and modulation perturbed so that a wrong (or missing) one shows up in the goldens. Wan zero-inits
    the head; a test model must not, or the output would not depend on anything."""
    gen = torch.Generator().manual_seed(seed)
    for name, p in module.named_parameters():
        if name.endswith('modulation'):
            p.copy_(torch.randn(p.shape, generator=gen) / p.shape[-1] ** 0.5)
        elif name == 'token_embedding.weight' or name.endswith('pos_embedding.embedding.weight'):
            p.copy_(torch.randn(p.shape, generator=gen))                 # nn.Embedding: N(0, 1)
        elif p.dim() >= 2:
            bound = 1.0 / (p[0].numel() ** 0.5)                           # fan_in of Linear/Conv
            p.copy_((torch.rand(p.shape, generator=gen) * 2 - 1) * bound)
        elif any(k in name for k in ('norm', 'gamma')) and name.endswith(('weight', 'gamma')):
            p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
        else:                                                             # biases
            p.copy_(0.1 * torch.randn(p.shape, generator=gen))


def pad_text(tokens, lengths, text_len):
    """Encoder output (B, L, D) cut to each prompt's real length and zero-padded to text_len,
    as the DiT expects (upstream re-pads with zeros; the DiT then attends to the padding too)."""
    b, l, d = tokens.shape
    keep = (torch.arange(l)[None, :] < lengths[:, None]).to(tokens.dtype)  # (B, L)
    out = torch.zeros(b, text_len, d, dtype=tokens.dtype)
    n = min(l, text_len)
    out[:, :n] = tokens[:, :n] * keep[:, :n, None]
    return out
