"""Shapes and invariants of the PyTorch twin (the tiny-test config; zoetrope-s only for its size)."""
import unittest

import torch

from config import load_config, patch_in_channels
from dit import rope_axis_dims, rope_apply, rope_cos_sin
from model import build_models, count_params, init_random_, pad_text

WAN_NAMES = [
    'patch_embedding.weight', 'patch_embedding.bias', 'text_embedding.0.weight', 'text_embedding.2.weight',
    'time_embedding.0.weight', 'time_embedding.2.weight', 'time_projection.1.weight', 'blocks.0.modulation',
    'blocks.0.self_attn.q.weight', 'blocks.0.self_attn.k.bias', 'blocks.0.self_attn.v.weight',
    'blocks.0.self_attn.o.bias', 'blocks.0.self_attn.norm_q.weight', 'blocks.0.self_attn.norm_k.weight',
    'blocks.0.norm3.weight', 'blocks.0.norm3.bias', 'blocks.0.cross_attn.q.weight', 'blocks.0.cross_attn.o.weight',
    'blocks.0.cross_attn.norm_q.weight', 'blocks.0.cross_attn.norm_k.weight', 'blocks.0.ffn.0.weight',
    'blocks.0.ffn.2.bias', 'head.modulation', 'head.head.weight', 'head.head.bias',
]


class ModelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cfg = load_config('tiny-test')
        torch.manual_seed(0)
        cls.models = build_models(cls.cfg)
        for i, m in enumerate(cls.models.values()):
            init_random_(m, i)

    def test_dit_names_are_wan_names(self):
        names = set(self.models['dit'].state_dict())
        for n in WAN_NAMES:
            self.assertIn(n, names)
        c = self.cfg['dit']['in_channels']
        self.assertEqual(tuple(self.models['dit'].patch_embedding.weight.shape), (128, 2 * c + 1, 1, 2, 2))

    def test_text_encoder_shapes_and_padding(self):
        te, cfg = self.models['text_encoder'], self.cfg['text_encoder']
        ids = torch.tensor([[5, 6, 7, 2] + [0] * (cfg['text_len'] - 4)])
        mask = (ids > 0).long()
        with torch.no_grad():
            out = te(ids, mask)
            # tokens after the padding cannot change real tokens' outputs
            ids2 = ids.clone()
            ids2[0, 6] = 9
            out2 = te(ids2, mask)
        self.assertEqual(tuple(out.shape), (1, cfg['text_len'], cfg['dim']))
        self.assertTrue(torch.allclose(out[:, :4], out2[:, :4], atol=1e-6))
        self.assertEqual(te.blocks[0].pos_embedding(5, 7).shape, (1, cfg['num_heads'], 5, 7))

    def test_dit_shapes(self):
        dit, cfg = self.models['dit'], self.cfg['dit']
        c = cfg['in_channels']
        x = torch.randn(2, c, 3, 4, 6)
        ctx = torch.randn(2, cfg['text_len'], cfg['text_dim'])
        t = torch.tensor([999.0, 10.0])
        with torch.no_grad():
            trace = {}
            v = dit(x, torch.zeros_like(x), torch.zeros(2, 1, 3, 4, 6), t, ctx, trace)
        self.assertEqual(tuple(v.shape), (2, c, 3, 4, 6))
        self.assertEqual(tuple(trace['patch_embedding'].shape), (2, 3 * 2 * 3, cfg['dim']))
        self.assertEqual(tuple(trace['time_projection'].shape), (2, 6, cfg['dim']))
        self.assertEqual(tuple(trace['head'].shape), (2, 18, 4 * c))

    def test_masked_frame_input(self):
        """The input is concat(x, clean*mask, mask): clean latents matter only where mask = 1."""
        dit, cfg = self.models['dit'], self.cfg['dit']
        self.assertEqual(patch_in_channels(cfg), 2 * cfg['in_channels'] + 1)
        c = cfg['in_channels']
        g = torch.Generator().manual_seed(1)
        x, clean = torch.randn(1, c, 2, 4, 4, generator=g), torch.randn(1, c, 2, 4, 4, generator=g)
        ctx, t = torch.randn(1, cfg['text_len'], cfg['text_dim'], generator=g), torch.tensor([500.0])
        none = torch.zeros(1, 1, 2, 4, 4)
        first = none.clone()
        first[:, :, 0] = 1
        with torch.no_grad():
            v_none = dit(x, clean, none, t, ctx)
            v_none_other = dit(x, torch.randn(1, c, 2, 4, 4, generator=g), none, t, ctx)
            v_first = dit(x, clean, first, t, ctx)
        self.assertTrue(torch.allclose(v_none, v_none_other, atol=1e-6))
        self.assertFalse(torch.allclose(v_none, v_first, atol=1e-3))
        # the same thing by hand: patch_embedding sees [x, clean*mask, mask]
        w = dit.patch_embedding.weight                                     # (dim, 2C+1, 1, 2, 2)
        tok = torch.einsum('dcpq,cpq->d', w[:, :, 0], torch.cat([x, clean * first, first], 1)[0, :, 0, :2, :2])
        trace = {}
        with torch.no_grad():
            dit(x, clean, first, t, ctx, trace)
        self.assertTrue(torch.allclose(trace['patch_embedding'][0, 0], tok + dit.patch_embedding.bias, atol=1e-5))

    def test_rope(self):
        self.assertEqual(rope_axis_dims(128), (22, 21, 21))
        self.assertEqual(rope_axis_dims(64), (12, 10, 10))
        cos, sin = rope_cos_sin(64, 2, 3, 4)
        self.assertEqual(tuple(cos.shape), (24, 32))
        # token (f=1, h=2, w=3) is index 1*12 + 2*4 + 3; its first time pair rotates by f * 1 rad
        i = 1 * 12 + 2 * 4 + 3
        self.assertAlmostEqual(float(cos[i, 0]), float(torch.cos(torch.tensor(1.0))), places=6)
        self.assertAlmostEqual(float(cos[i, 12]), float(torch.cos(torch.tensor(2.0))), places=6)   # row axis
        self.assertAlmostEqual(float(cos[i, 22]), float(torch.cos(torch.tensor(3.0))), places=6)   # column axis
        # interleaved pairs: (x0, x1) = (1, 0) rotates to (cos, sin)
        x = torch.zeros(1, 24, 1, 64)
        x[..., 0] = 1
        y = rope_apply(x, cos, sin)
        self.assertTrue(torch.allclose(y[0, :, 0, 1], sin[:, 0]))
        self.assertTrue(torch.allclose(y[0, :, 0, 0], cos[:, 0]))

    def test_pad_text(self):
        out = pad_text(torch.ones(1, 4, 3), torch.tensor([2]), 6)
        self.assertEqual(out.sum().item(), 6.0)
        self.assertEqual(tuple(out.shape), (1, 6, 3))

    def test_zoetrope_s_size(self):
        cfg = load_config('zoetrope-s')
        models = build_models(cfg)
        n = count_params(models['dit']) + count_params(models['text_encoder'])
        self.assertTrue(12e6 <= n <= 15e6, n)
        self.assertIn(f'{n:,}', cfg['$comment'][0] + ' '.join(cfg['$comment']))

    def test_zoetrope_s_geometry_fits_a_cpu(self):
        """<= 256 DiT tokens per 1:1 window, and a VAE encoder of <= 1 GFLOP per 256² frame (the
        budget of models/train/README.md), counted over every convolution."""
        cfg = load_config('zoetrope-s')
        h, w = cfg['latent']['aspect_buckets']['1:1']
        s, (pt, ph, pw) = cfg['latent']['spatial_factor'], cfg['dit']['patch']
        tokens = cfg['chunk']['latent_frames'] // pt * (h // s // ph) * (w // s // pw)
        self.assertLessEqual(tokens, 256)
        vae = build_models(cfg)['vae']
        encoder = conv_flops(vae.encoder, torch.zeros(1, 3, 256, 256))
        decoder = conv_flops(vae.decoder, torch.zeros(1, cfg['vae']['latent_channels'], 256 // s, 256 // s))
        self.assertLessEqual(encoder, 1.0e9)
        self.assertLessEqual(decoder, 3.5e9)                               # README's figure: 3.1


def conv_flops(module, x):
    """2·multiply-adds of every Conv2d in one forward pass of x."""
    total = []

    def hook(conv, _inputs, out):
        k = conv.kernel_size[0] * conv.kernel_size[1] * conv.in_channels // conv.groups
        total.append(2 * k * out.numel())
    handles = [m.register_forward_hook(hook) for m in module.modules() if isinstance(m, torch.nn.Conv2d)]
    with torch.no_grad():
        module(x)
    for handle in handles:
        handle.remove()
    return sum(total)


if __name__ == '__main__':
    unittest.main()
