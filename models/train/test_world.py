"""The procedural world: every bucket renders, seeds determine everything, held-out pairs stay out
of training, captions parse back to their specs."""
import math
import unittest

import torch

from config import load_config
from world import attributes, caption, is_held_out, parse_caption, render, sample_batch, sample_scene
from world.held_out import COLOUR_SHAPE, SHAPE_MOTION, held_out_pairs
from world.vocab import ALL_SHAPES, BACKGROUNDS, COLOURS, MOTIONS, STYLES


def gen(seed):
    return torch.Generator().manual_seed(seed)


class WorldTest(unittest.TestCase):
    def test_every_bucket_renders(self):
        for name in ('tiny-test', 'zoetrope-s'):
            cfg = load_config(name)
            fps = cfg['latent']['frame_rate']
            for h, w in cfg['latent']['aspect_buckets'].values():
                if name == 'zoetrope-s':                 # full size, few frames: CPU time
                    video, caps, specs = sample_batch(1, h, w, 2, fps, gen(h + w))
                else:
                    video, caps, specs = sample_batch(2, h, w, 6, fps, gen(h + w))
                self.assertEqual(video.shape, (len(caps), 3, video.shape[2], h, w))
                self.assertEqual(video.dtype, torch.float32)
                self.assertGreaterEqual(video.min().item(), -1.0)
                self.assertLessEqual(video.max().item(), 1.0)
                self.assertGreater(video.std().item(), 0.01)        # not a blank frame

    def test_seed_determines_specs_captions_and_pixels(self):
        a = sample_batch(3, 64, 112, 4, 8.0, gen(7))
        b = sample_batch(3, 64, 112, 4, 8.0, gen(7))
        c = sample_batch(3, 64, 112, 4, 8.0, gen(8))
        self.assertTrue(torch.equal(a[0], b[0]))
        self.assertEqual(a[1], b[1])
        self.assertEqual(a[2], b[2])
        self.assertNotEqual(a[1], c[1])

    def test_objects_move(self):
        g = gen(3)
        spec = sample_scene(g)
        spec.objects = spec.objects[:1]
        spec.objects[0].motion, spec.objects[0].count = 'right', 1
        spec.camera = 'static'
        v = render([spec], 64, 64, 8, 8.0)
        self.assertGreater((v[0, :, 0] - v[0, :, -1]).abs().max().item(), 0.5)

    def test_held_out_pairs_never_in_train_and_always_in_held_out(self):
        g = gen(11)
        seen_pairs = set()
        for _ in range(1500):
            s = sample_scene(g, 'train')
            self.assertFalse(is_held_out(s))
            for o in s.objects:
                self.assertNotIn((o.colour, o.shape), COLOUR_SHAPE)
                self.assertNotIn((o.shape, o.motion), SHAPE_MOTION)
                seen_pairs.add((o.shape, o.motion))
        for _ in range(200):
            s = sample_scene(g, 'held_out')
            self.assertTrue(any(held_out_pairs(o) for o in s.objects))
        # Training still shows every word: each held-out shape moves in other ways.
        for shape, _ in SHAPE_MOTION:
            self.assertGreater(len({m for sh, m in seen_pairs if sh == shape}), 5)

    def test_styles_keep_objects_visible(self):
        # Judgeability rules (scene.py): no object colour the neon-dimmed background swallows (black
        # on a dimmed sky), and no small objects in pixel art (too few blocks to show a shape).
        from world.scene import MIN_COLOUR_GAP, background_colours
        from world.styles import NEON_DIM
        g = gen(13)
        styles_seen = set()
        for _ in range(600):
            s = sample_scene(g)
            styles_seen.add(s.style)
            if s.style == 'neon':
                for o in s.objects:
                    gap = min(math.dist(COLOURS[o.colour], [NEON_DIM * c for c in b]) for b in background_colours(s))
                    self.assertGreater(gap, MIN_COLOUR_GAP)
            if s.style == 'pixel':
                self.assertFalse(any(o.size == 'small' and o.motion != 'grow' for o in s.objects), s)
        self.assertEqual(styles_seen, set(STYLES))

    def test_vocabulary_coverage(self):
        g = gen(5)
        seen = {'shape': set(), 'colour': set(), 'motion': set(), 'background': set(), 'style': set()}
        for _ in range(600):
            s = sample_scene(g)
            seen['background'].add(s.background)
            seen['style'].add(s.style)
            for o in s.objects:
                seen['shape'].add(o.shape)
                seen['colour'].add(o.colour)
                seen['motion'].add(o.motion)
        self.assertEqual(seen['shape'], set(ALL_SHAPES))
        self.assertEqual(seen['colour'], set(COLOURS))
        self.assertEqual(seen['motion'], set(MOTIONS))
        self.assertEqual(seen['background'], set(BACKGROUNDS))
        self.assertEqual(seen['style'], set(STYLES))

    def test_captions_parse_back_to_their_spec(self):
        g = gen(13)
        for i in range(1000):
            s = sample_scene(g, 'held_out' if i % 4 == 0 else 'train')
            text = caption(s, g)
            self.assertEqual(parse_caption(text), attributes(s), text)

    def test_captions_vary(self):
        g = gen(17)
        s = sample_scene(g)
        self.assertGreater(len({caption(s, g) for _ in range(30)}), 10)


if __name__ == '__main__':
    unittest.main()
