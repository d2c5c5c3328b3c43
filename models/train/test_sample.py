"""sample.py keeps the engine's conventions (src/sampler/*.ts, shaders/sampler.wgsl): noise bits, σ and
t, stream numbering, updates, given frames, the window plan; checked against the RNG fixture, the
DiT goldens and a loop written from generate_window.ts's header."""
import json
import os
import unittest

import numpy as np
import torch

import rng
import rng_fast
import safetensors_io as st
from export_goldens import GOLDEN_DIR
from make_tiny import load_tiny
from sample import (blend_seam, gaussian_blur, euler_update, few_step_update, load_tokenizer, sample_clip, sample_window, sigma_schedule,
                    velocity, window_plan, encode_prompts, text_context)

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


class NoiseTest(unittest.TestCase):
    def test_fast_noise_is_the_fixture_bit_for_bit(self):
        with open(os.path.join(ROOT, 'tests', 'fixtures', 'rng', 'seed42.json')) as f:
            fixture = json.load(f)
        fast = rng_fast.noise((len(fixture['normals']),), fixture['seed'], fixture['stream'])
        self.assertTrue(np.array_equal(fast, np.array(fixture['normals'], dtype=np.float32)))
        self.assertEqual(rng_fast._u32_stream(fixture['seed'], 0, 16).tolist(), fixture['u32'])
        big = fixture['large_seed']
        self.assertEqual(rng_fast._u32_stream(big['seed'], big['stream'], 8).tolist(), big['u32'])

    def test_fast_noise_equals_rng_py(self):
        for seed, stream, shape in ((7, 3, (4, 2, 4, 6)), (2 ** 40 + 5, 17, (1001,)), (0, 0, (1,))):
            a, b = rng.noise(shape, seed, stream), rng_fast.noise(shape, seed, stream)
            self.assertTrue(np.array_equal(a.view(np.uint32), b.view(np.uint32)), (seed, stream))


class ScheduleTest(unittest.TestCase):
    def test_four_step_timesteps(self):
        t = [1000 * s for s in sigma_schedule(4, 5.0)]
        self.assertEqual([round(x, 1) for x in t], [1000.0, 937.5, 833.3, 625.0, 0.0])

    def test_window_plan_matches_generate_clip(self):
        self.assertEqual(window_plan(60, 12, 4, 1), (240, 720))       # 1 + ceil((720 - 4) / 3)
        self.assertEqual(window_plan(1, 8, 2, 1), (7, 8))
        self.assertEqual(window_plan(0.2, 8, 2, 1), (1, 2))            # Math.round(1.6) = 2
        self.assertEqual(window_plan(0.0625, 8, 2, 1), (1, 1))          # Math.round(0.5) = 1, half up

    def test_updates_are_the_kernels(self):
        g = torch.Generator().manual_seed(0)
        x, v, noise, clean = (torch.randn(1, 3, 3, 5, 7, generator=g) for _ in range(4))
        mask = torch.zeros(1, 1, 3, 5, 7)
        mask[:, :, 0] = 1
        for sigma, nxt in ((1.0, 0.9375), (0.625, 0.0)):
            y = few_step_update(x, v, sigma, nxt, noise, clean, mask)
            s, n = np.float32(sigma), np.float32(nxt)
            ref = (1 - n) * (x.numpy() - s * v.numpy()) + n * noise.numpy()
            self.assertTrue(np.allclose(y[:, :, 1:].numpy(), ref[:, :, 1:], atol=2e-6, rtol=1e-5))
            self.assertTrue(torch.equal(y[:, :, 0], clean[:, :, 0]))                 # given: copied
            e = euler_update(x, v, sigma, nxt, clean, mask)
            ref = x.numpy() + (n - s) * v.numpy()
            self.assertTrue(np.allclose(e[:, :, 1:].numpy(), ref[:, :, 1:], atol=2e-6))
            self.assertTrue(torch.equal(e[:, :, 0], clean[:, :, 0]))


class TinyModelSamplingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cfg, cls.models = load_tiny()
        cls.tok = load_tokenizer(cls.cfg)

    def test_velocity_reproduces_the_dit_golden(self):
        g, _ = st.load(os.path.join(GOLDEN_DIR, 'dit.safetensors'))
        with open(os.path.join(GOLDEN_DIR, 'dit.json')) as f:
            t = json.load(f)['t']
        with torch.no_grad():
            v = velocity(self.models['dit'], g['input.x'][None], g['input.clean'][None], g['input.mask'][None],
                         t / 1000, g['input.context'][None])
        self.assertTrue(torch.allclose(v[0], g['output'], atol=1e-5, rtol=1e-4))

    def test_window_follows_generate_window(self):
        """A loop written from generate_window.ts's header (and the slow RNG twin) gives the same latents."""
        cfg, dit = self.cfg, self.models['dit']
        c, f, h, w, seed, first = 4, 2, 4, 6, 11, 6
        prev = torch.randn(1, c, f, h, w, generator=torch.Generator().manual_seed(3))
        got = sample_window(self.models, cfg, self.tok, ['a red ball moves left'], [seed], f, h, w,
                            context=prev, context_frames=1, first_stream=first)
        ids, tmask = encode_prompts(self.tok, ['a red ball moves left'], cfg['text_encoder']['text_len'])
        with torch.no_grad():
            text = text_context(self.models['text_encoder'], ids, tmask)
            mask = torch.zeros(1, 1, f, h, w)
            mask[:, :, 0] = 1
            clean = torch.zeros(1, c, f, h, w)
            clean[:, :, 0] = prev[:, :, -1]
            x = torch.from_numpy(rng.noise((c, f, h, w), seed, first))[None]
            sig = sigma_schedule(4, 5.0)
            for k in range(4):
                t = torch.tensor([1000 * sig[k]], dtype=torch.float32)
                v = dit(x, clean, mask, t, text)
                x0 = x - np.float32(sig[k]) * v
                fresh = torch.from_numpy(rng.noise((c, f, h, w), seed, first + k + 1))[None] if k < 3 else 0
                x = (1 - np.float32(sig[k + 1])) * x0 + np.float32(sig[k + 1]) * fresh
                x = torch.where(mask == 1, clean, x)
        self.assertTrue(torch.allclose(got, x, atol=1e-6), (got - x).abs().max())
        self.assertTrue(torch.equal(got[:, :, 0], prev[:, :, -1]))                   # context kept exactly

    def test_seam_blend_when_the_config_names_one(self):
        """chunk.seam_blend_sigma: the window after a context ends with blend_seam; without it, nothing."""
        cfg = {**self.cfg, 'chunk': {**self.cfg['chunk'], 'seam_blend_sigma': 1.5}}
        c, f, h, w = 4, 3, 4, 6
        prev = torch.randn(1, c, 2, h, w, generator=torch.Generator().manual_seed(5))
        args = (self.models, cfg, self.tok, ['a red ball'], [2], f, h, w)
        plain = sample_window(self.models, self.cfg, *args[2:], context=prev, context_frames=1, first_stream=5)
        blended = sample_window(*args, context=prev, context_frames=1, first_stream=5)
        mask = torch.zeros(1, 1, f, h, w)
        mask[:, :, 0] = 1
        self.assertTrue(torch.allclose(blended, blend_seam(plain, mask, 1, 1.5), atol=1e-6))
        self.assertFalse(torch.allclose(blended, plain))
        self.assertTrue(torch.equal(sample_window(*args, first_stream=5), sample_window(*args[:1], self.cfg, *args[2:], first_stream=5)))

    def test_blend_seam_hands_the_step_over(self):
        """The kernel's promises (tests/unit/sampler/seam_blend.test.ts makes the same ones of the TS twins)."""
        g = torch.Generator().manual_seed(1)
        x = torch.randn(1, 3, 4, 5, 7, generator=g)
        x[:, :, 0] = x[:, :, 1] + torch.tensor([2.0, 3.0, 4.0]).view(1, 3, 1, 1)   # a step the same everywhere
        mask = torch.zeros(1, 1, 4, 5, 7)
        mask[:, :, 0] = 1
        mask[:, :, 3] = 1                                                          # an end image
        out = blend_seam(x, mask, 1, 1.5)
        self.assertTrue(torch.equal(out[:, :, 0], x[:, :, 0]))
        self.assertTrue(torch.equal(out[:, :, 3], x[:, :, 3]))
        self.assertTrue(torch.allclose(out[:, :, 1], x[:, :, 0], atol=1e-5))       # continues the context
        self.assertTrue(torch.allclose(out[:, :, 2] - x[:, :, 2], (x[:, :, 0] - x[:, :, 1]) * 2 / 3, atol=1e-5))
        impulse = torch.zeros(1, 1, 11, 11)
        impulse[..., 5, 5] = 1
        blurred = gaussian_blur(impulse, 1.5)
        self.assertAlmostEqual(float(blurred.sum()), 1.0, places=5)
        self.assertLess(float(blurred.max()), 0.08)                                # detail is not handed over
        self.assertTrue(torch.equal(blend_seam(x, mask, 1, 0), x))

    def test_guidance_scale_one_is_plain(self):
        args = (self.models, self.cfg, self.tok, ['a blue star'], [4], 2, 4, 4)
        plain = sample_window(*args, steps=3, solver='euler')
        same = sample_window(*args, steps=3, solver='euler', cfg_scale=1.0)
        guided = sample_window(*args, steps=3, solver='euler', cfg_scale=3.0)
        self.assertTrue(torch.equal(plain, same))
        self.assertFalse(torch.allclose(plain, guided))

    def test_clip_window_after_window(self):
        a = sample_clip(self.models, self.cfg, self.tok, ['a red ball'], [1], 0.5, (64, 64))   # 4 frames, 3 windows
        b = sample_clip(self.models, self.cfg, self.tok, ['a red ball'], [1], 0.5, (64, 64))
        c = sample_clip(self.models, self.cfg, self.tok, ['a red ball'], [2], 0.5, (64, 64))
        self.assertEqual(tuple(a.shape), (1, 3, 4, 64, 64))
        self.assertTrue(torch.equal(a, b))
        self.assertFalse(torch.equal(a, c))
        self.assertLessEqual(float(a.abs().max()), 1.0)


if __name__ == '__main__':
    unittest.main()
