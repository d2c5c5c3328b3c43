"""train_vae.py on the tiny config and the real world, CPU, a few steps: the loss falls on a fixed
batch, a resumed stage draws the same next batch and computes the same loss to the bit, the stage
entry point writes a loadable weights-only checkpoint and a held-out PSNR."""
import json
import math
import os
import shutil
import tempfile
import unittest

import torch

import checkpoint
import train_vae
from config import load_config
from train_common import step_generator

ARGS = ['--config', 'tiny-test', '--batch', '3', '--frames', '2', '--eval-clips', '1', '--quiet', '--seed', '3']


class TrainVaeTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.cfg = load_config('tiny-test')

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def trainer(self, *extra):
        return train_vae.VaeTrainer(self.cfg, train_vae.parse_args(ARGS + ['--out', self.tmp, *extra]), torch.device('cpu'))

    def test_loss_falls_on_a_fixed_batch(self):
        t = self.trainer()
        images, _ = t.batch(0)
        self.assertEqual(tuple(images.shape), (6, 3, 64, 64))                 # 3 clips x 2 frames, bucket 1:1
        self.assertGreaterEqual(float(images.min()), -1.0)
        losses = [t.train_on(images, step_generator(0, 0), 3e-3)['loss'] for _ in range(12)]
        self.assertTrue(all(math.isfinite(x) for x in losses))
        self.assertLess(sum(losses[-3:]) / 3, 0.9 * sum(losses[:3]) / 3, losses)

    def test_crops_per_frame_renders_fewer_clips_for_the_same_batch(self):
        rendered = []
        real = train_vae.world_clips
        def counting(cfg, batch, *rest):
            rendered.append(batch)
            return real(cfg, batch, *rest)
        train_vae.world_clips = counting
        try:
            images, g = self.trainer('--batch', '4', '--crop', '32', '--crops-per-frame', '2').batch(0)
        finally:
            train_vae.world_clips = real
        self.assertEqual(rendered, [2])                                       # 4 clips' worth of crops from 2 clips
        self.assertEqual(tuple(images.shape), (8, 3, 32, 32))                 # 2 clips x 2 frames x 2 crops
        self.assertFalse(torch.equal(images[0], images[1]))                   # two places in one frame

    def test_decoder_only_keeps_the_encoder_and_its_folded_scale(self):
        a = self.trainer()
        folder = os.path.join(self.tmp, 'folded')
        a.meta['latent_scale'] = [0.5] * 4                                    # as the latent cache's vae/ has it
        a.save(folder, 5)
        b = self.trainer('--init-weights', folder, '--decoder-only')
        self.assertEqual(b.start_step, 5)
        before = {k: v.clone() for k, v in b.vae.state_dict().items()}
        for step in range(3):
            b.step(step, 3e-3)
        after = b.vae.state_dict()
        self.assertTrue(all(torch.equal(before[k], after[k]) for k in before if k.startswith('encoder.')))
        self.assertTrue(any(not torch.equal(before[k], after[k]) for k in before if k.startswith('decoder.')))
        b.save(folder, 8)
        self.assertEqual(checkpoint.load(folder)[1]['latent_scale'], [0.5] * 4)

    def test_resume_draws_the_same_next_step(self):
        a = self.trainer()
        for step in range(2):
            a.step(step, 1e-3)
        folder = os.path.join(self.tmp, 'ckpt')
        a.save(folder, 2)
        b = self.trainer('--resume', folder)
        self.assertEqual(b.start_step, 2)
        (img_a, g_a), (img_b, g_b) = a.batch(2), b.batch(2)
        self.assertTrue(torch.equal(img_a, img_b))
        la, lb = a.losses(img_a, g_a), b.losses(img_b, g_b)
        for k in la:
            self.assertEqual(float(la[k]), float(lb[k]), k)                   # bit for bit
        self.assertEqual(a.step(2, 1e-3)['loss'], b.step(2, 1e-3)['loss'])

    def test_stage_writes_weights_log_and_psnr(self):
        out = os.path.join(self.tmp, 'vae')
        summary = train_vae.main(ARGS + ['--out', out, '--steps', '3', '--ckpt-every', '2'])
        self.assertEqual(summary['last_step'], 3)
        self.assertTrue(math.isfinite(summary['psnr']) and summary['psnr'] > 0)
        parts, meta = checkpoint.load(out)
        self.assertEqual(meta['step'], 3)
        self.assertEqual(set(parts), {'vae'})
        for path in checkpoint.shard_paths(out):
            self.assertLessEqual(os.path.getsize(path), 16 * 2 ** 20)
        with open(os.path.join(out, 'log.jsonl')) as f:
            records = [json.loads(line) for line in f]
        self.assertEqual(records[-1]['event'], 'end')
        resumed = train_vae.main(ARGS + ['--out', out, '--resume', out, '--steps', '4'])
        self.assertEqual((resumed['first_step'], resumed['last_step']), (3, 4))


if __name__ == '__main__':
    unittest.main()
