"""The Wan twins and manifests: names and shapes at reduced depth are exactly the manifests', the
committed manifests are what the code gives, the totals match the published files' sizes, and the
twins' own behaviour (TAEHV's causality and frame count, the DiT's latents-only input)."""
import math
import unittest

import torch

import manifests
from configs import DIT_1_3B, TAEW2_1, TWIN_UMT5_VOCAB, UMT5_XXL, WAN_VAE
from meta import on_meta
from taehv import TAEHV
from twins import dit_config, umt5_config
from wan_dit import velocity, wan_dit
import train_path  # noqa: F401
from text_encoder import TextEncoder


def shapes_of(module, dtype, prefix=''):
    return manifests.listing(module.state_dict(), dtype, prefix)


class ManifestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.built = manifests.build_all()

    def test_committed_manifests_are_current(self):
        for name, m in self.built.items():
            self.assertEqual(manifests.load(name), m, f'{name}.json is stale: run models/wan/manifests.py')

    def test_totals_match_the_published_sizes(self):
        # Published: DiT 5.68 GB fp32, umT5 encoder 11.4 GB bf16, VAE 508 MB fp32 (the reference page).
        bytes_per = {'F32': 4, 'BF16': 2, 'F16': 2}
        size = {name: sum(bytes_per[d] * math.prod(s) for d, s in m['tensors'].values()) for name, m in self.built.items()}
        self.assertAlmostEqual(size['wan2.1-t2v-1.3b-dit'] / 1e9, 5.68, delta=0.01)
        self.assertAlmostEqual(size['umt5-xxl-encoder'] / 1e9, 11.36, delta=0.05)
        self.assertAlmostEqual(size['wan2.1-vae'] / 1e6, 508, delta=1)
        self.assertEqual(self.built['self-forcing-dmd']['parameters'], self.built['wan2.1-t2v-1.3b-dit']['parameters'])

    def test_block_structure(self):
        dit = self.built['wan2.1-t2v-1.3b-dit']['tensors']
        self.assertEqual(dit['patch_embedding.weight'], ['F32', [1536, 16, 1, 2, 2]])
        self.assertEqual(dit['blocks.29.ffn.0.weight'], ['F32', [8960, 1536]])
        self.assertEqual(dit['blocks.0.modulation'], ['F32', [1, 6, 1536]])
        self.assertEqual(dit['head.head.weight'], ['F32', [64, 1536]])
        self.assertNotIn('blocks.30.ffn.0.weight', dit)
        t5 = self.built['umt5-xxl-encoder']['tensors']
        self.assertEqual(t5['blocks.23.pos_embedding.embedding.weight'], ['BF16', [32, 64]])
        self.assertEqual(t5['blocks.0.ffn.gate.0.weight'], ['BF16', [10240, 4096]])
        self.assertNotIn('pos_embedding.embedding.weight', t5)      # umT5: per layer, none shared
        vae = self.built['wan2.1-vae']['tensors']
        decoder = sum(math.prod(s) for n, (_, s) in vae.items() if n.startswith('decoder.'))
        self.assertAlmostEqual(decoder / 1e6, 73.3, delta=0.1)       # "decoder ~73 M params"
        self.assertEqual(vae['decoder.conv1.weight'], ['F32', [384, 16, 3, 3, 3]])
        self.assertEqual(vae['decoder.middle.1.norm.gamma'], ['F32', [384, 1, 1]])
        self.assertEqual(vae['decoder.upsamples.3.time_conv.weight'], ['F32', [768, 384, 3, 1, 1]])
        self.assertEqual(vae['encoder.downsamples.5.time_conv.weight'], ['F32', [192, 192, 3, 1, 1]])

    def test_expected_drops_later_blocks_and_replaces_shapes(self):
        m = self.built['umt5-xxl-encoder']
        reduced = manifests.expected(m, layers=2, shapes={'token_embedding.weight': [8, 4096]})
        self.assertEqual(len(reduced), 2 + 2 * 10)                  # embedding and final norm, 10 per block
        self.assertIn('blocks.1.attn.q.weight', reduced)
        self.assertNotIn('blocks.2.attn.q.weight', reduced)
        self.assertEqual(reduced['token_embedding.weight'], ['BF16', [8, 4096]])


class TwinShapesTest(unittest.TestCase):
    """The twins as make_twins.py builds them (on the meta device here) are the manifests, reduced."""

    def check(self, module, manifest_name, dtype, layers=None, shapes=None, prefix=''):
        expected = manifests.expected(manifests.load(manifest_name), layers, shapes)
        got = shapes_of(module, dtype, prefix)
        self.assertEqual(list(got), list(expected), 'names and their order')
        self.assertEqual(got, expected)

    def test_dit(self):
        with on_meta():
            model = wan_dit(dit_config())
        self.check(model, 'wan2.1-t2v-1.3b-dit', torch.float32, layers=1)
        self.check(model, 'self-forcing-dmd', torch.float32, layers=1, prefix='model.')

    def test_umt5(self):
        with on_meta():
            model = TextEncoder(umt5_config())
        self.check(model, 'umt5-xxl-encoder', torch.bfloat16, layers=1,
                   shapes={'token_embedding.weight': [TWIN_UMT5_VOCAB, UMT5_XXL['dim']]})

    def test_taehv(self):
        with on_meta():
            model = TAEHV(TAEW2_1)
        self.check(model, 'taew2.1', torch.float16)


class TwinBehaviourTest(unittest.TestCase):
    def test_taehv_is_causal_and_gives_4t_minus_3_frames(self):
        torch.manual_seed(0)
        model = TAEHV(TAEW2_1).eval()
        latents = torch.randn(1, 3, 16, 2, 2)
        with torch.no_grad():
            full = model.decode_video(latents)
            first_two = model.decode_video(latents[:, :2])
        self.assertEqual(tuple(full.shape), (1, 9, 3, 16, 16))
        self.assertEqual(tuple(first_two.shape), (1, 5, 3, 16, 16))
        torch.testing.assert_close(full[:, :5], first_two, atol=1e-5, rtol=1e-5)   # later latents change nothing earlier
        self.assertGreater((full[:, 5:] - model.decode_video(torch.cat([latents[:, :2], -latents[:, 2:]], 1))[:, 5:]).abs().max(), 1e-3)

    def test_dit_takes_the_latents_alone(self):
        torch.manual_seed(0)
        cfg = {**DIT_1_3B, 'dim': 64, 'num_heads': 2, 'head_dim': 32, 'ffn_dim': 96, 'text_dim': 48, 'num_layers': 1}
        model = wan_dit(cfg).eval()
        self.assertEqual(tuple(model.patch_embedding.weight.shape), (64, 16, 1, 2, 2))
        x, context = torch.randn(1, 16, 2, 4, 4), torch.randn(1, 5, 48)
        trace = {}
        with torch.no_grad():
            v = velocity(model, x, torch.tensor([500.0]), context, trace)
            by_hand = torch.nn.functional.conv3d(x, model.patch_embedding.weight, model.patch_embedding.bias, stride=(1, 2, 2))
        self.assertEqual(tuple(v.shape), (1, 16, 2, 4, 4))
        torch.testing.assert_close(trace['patch_embedding'], by_hand.flatten(2).transpose(1, 2), atol=1e-6, rtol=1e-5)

    def test_vae_structure_builds_on_meta(self):
        with on_meta():
            from wan_vae import WanVAE
            vae = WanVAE(WAN_VAE)
        self.assertTrue(all(p.is_meta for p in vae.parameters()))


if __name__ == '__main__':
    unittest.main()
