"""train_dit.py and few_step_distill.py on the tiny config and the real world, CPU, a few steps:
masks, the folded latent scale, falling losses on a fixed batch, resume to the bit, the stage
entry points and their checkpoints."""
import argparse
import json
import math
import os
import shutil
import tempfile
import unittest

import torch

import checkpoint
import few_step_distill
import judge_checkpoint
import latent_scale
import train_dit
from config import load_config
from data import MASK_MODES, batch_size_for, bucket_at, frame_mask, sample_masks
from model import init_random_
from sample import sigma_schedule
from train_common import step_generator
from vae import VAE
from world.captions import parse_caption

BASE = ['--config', 'tiny-test', '--batch', '3', '--scale-batches', '1', '--eval-clips', '1', '--quiet', '--seed', '5']


class TrainDitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.cfg = load_config('tiny-test')
        torch.manual_seed(0)
        cls.vae_dir = os.path.join(cls.tmp, 'vae')
        checkpoint.save(cls.vae_dir, {'vae': VAE(cls.cfg['vae'])}, {'stage': 'vae', 'step': 0})
        cls.dit_dir = os.path.join(cls.tmp, 'dit')
        cls.summary = train_dit.main(BASE + ['--vae', cls.vae_dir, '--out', cls.dit_dir, '--steps', '3'])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def trainer(self, *extra):
        args = train_dit.parse_args(BASE + ['--out', self.tmp, *extra])
        return train_dit.DitTrainer(self.cfg, args, torch.device('cpu'))

    def test_frame_masks(self):
        expect = {'none': [0, 0, 0, 0], 'first': [1, 0, 0, 0], 'last': [0, 0, 0, 1], 'first_last': [1, 0, 0, 1],
                  'context': [1, 0, 0, 0]}
        for mode in MASK_MODES:
            self.assertEqual(frame_mask(mode, 4, 1).tolist(), expect[mode], mode)
        self.assertEqual(frame_mask('context', 4, 2).tolist(), [1, 1, 0, 0])
        self.assertEqual(frame_mask('first_last', 2, 1).tolist(), [1, 0])    # never every frame given
        mask, modes = sample_masks(64, 4, 3, 5, 1, step_generator(0, 0), 'cpu')
        self.assertEqual(tuple(mask.shape), (64, 1, 4, 3, 5))
        self.assertEqual(set(modes), set(MASK_MODES))                          # all drawn in 64 samples
        for m, mode in zip(mask, modes):
            self.assertTrue(torch.equal(m[0, :, 0, 0], frame_mask(mode, 4, 1)))
            self.assertTrue(torch.equal(m, m[:, :, :1, :1].expand_as(m)))     # one value per frame

    def test_masked_batch_feeds_clean_given_frames(self):
        t = self.trainer('--resume', self.dit_dir)
        seen = {}
        original = t.dit.forward

        def spy(x, clean, mask, tt, context):
            seen.update(x=x, clean=clean, mask=mask, t=tt)
            return original(x, clean, mask, tt, context)
        t.dit.forward = spy
        batch = t.batch(1)
        t.losses(batch)
        b, c, f, h, w = batch['x0'].shape
        self.assertEqual((c, f, h * 8, w * 8), (4, 2, 64, 112))               # step 1: bucket 16:9
        self.assertTrue(torch.equal(seen['clean'], batch['x0'] * batch['mask']))
        self.assertTrue(torch.allclose(seen['t'], 1000 * batch['sigma']))
        for i in range(b):
            given = batch['mask'][i, 0, :, 0, 0] == 1
            if given.any() and not batch['noisy_given'][i]:
                self.assertTrue(torch.equal(seen['x'][i][:, given], batch['x0'][i][:, given]))
        # the loss ignores the velocity on given frames
        v = torch.randn(2, 4, 2, 3, 3)
        mask = torch.zeros(2, 1, 2, 3, 3)
        mask[:, :, 0] = 1
        v2 = v.clone()
        v2[:, :, 0] += 5
        target = torch.zeros_like(v)
        self.assertEqual(float(train_dit.masked_mse(v, target, mask)), float(train_dit.masked_mse(v2, target, mask)))

    def test_latent_scale_is_folded_exactly(self):
        torch.manual_seed(1)
        vae = VAE(self.cfg['vae']).eval()
        video = torch.rand(2, 3, 2, 64, 64) * 2 - 1
        rms, _ = latent_scale.measure(vae, [video])
        with torch.no_grad():
            z = vae.encode(video)[0]
            decoded = vae.decode(z)
            latent_scale.fold(vae, rms)
            z2 = vae.encode(video)[0]
            self.assertTrue(torch.allclose(z2, z / rms.float().view(1, -1, 1, 1, 1), atol=1e-5))
            self.assertTrue(torch.allclose(vae.decode(z2), decoded, atol=1e-4))
            rms2, _ = latent_scale.measure(vae, [video])
        self.assertTrue(torch.allclose(rms2, torch.ones_like(rms2), atol=1e-4), rms2)

    def test_first_stage_checkpoint(self):
        s = self.summary
        self.assertEqual(s['last_step'], 3)
        self.assertTrue(all(math.isfinite(s[k]) for k in s if k.startswith('val_loss')))
        parts, meta = checkpoint.load(self.dit_dir)
        self.assertEqual(set(parts), {'vae', 'text_encoder', 'dit'})
        self.assertEqual((meta['stage'], meta['step']), ('dit', 3))
        self.assertEqual(len(meta['latent_scale']), 4)

    def test_loss_falls_on_a_fixed_batch(self):
        t = self.trainer('--resume', self.dit_dir)
        batch = t.batch(0)
        losses = [t.train_on(batch, 2e-3)['loss'] for _ in range(10)]
        self.assertTrue(all(math.isfinite(x) for x in losses))
        self.assertLess(sum(losses[-3:]) / 3, 0.9 * sum(losses[:3]) / 3, losses)

    def test_resume_draws_the_same_next_step(self):
        a = self.trainer('--resume', self.dit_dir)
        a.step(3, 1e-3)
        folder = os.path.join(self.tmp, 'resumed')
        a.save(folder, 4)
        b = self.trainer('--resume', folder)
        self.assertEqual(b.start_step, 4)
        ba, bb = a.batch(4), b.batch(4)
        for k in ('x0', 'ids', 'tmask', 'mask', 'sigma', 'eps', 'noisy_given'):
            self.assertTrue(torch.equal(ba[k], bb[k]), k)
        self.assertEqual(ba['captions'], bb['captions'])
        self.assertEqual(a.step(4, 1e-3)['loss'], b.step(4, 1e-3)['loss'])   # bit for bit

    def test_init_from_shipped_weights_goes_on_from_their_step(self):
        # The checkpoint gone (a fresh machine): the committed model folder is where training goes on.
        from export_zoetrope_s import export
        from make_tiny import OUT_DIR as TINY_DIR
        shipped = os.path.join(self.tmp, 'shipped')
        export(self.dit_dir, shipped, 'tiny-test', os.path.join(TINY_DIR, 'tokenizer.json'), with_onnx=False,
               verbose=False)
        t = self.trainer('--vae', self.vae_dir, '--init-weights', shipped)
        self.assertEqual(t.start_step, 3)
        parts, meta = checkpoint.load(self.dit_dir)
        self.assertEqual(t.meta['machine_seconds'], meta['machine_seconds'])
        for part, module in t.trained().items():
            for name, value in module.state_dict().items():
                self.assertTrue(torch.equal(value, parts[part][name].half().float()), f'{part}.{name}')

    def test_data_reuse_shares_clips_not_noise(self):
        t = self.trainer('--resume', self.dit_dir, '--data-reuse', '3')
        b3, b4 = t.batch(3), t.batch(4)
        self.assertTrue(torch.equal(b3['x0'], b4['x0']))
        self.assertFalse(torch.equal(b3['eps'], b4['eps']))

    def test_distillation(self):
        args = few_step_distill.parse_args(BASE + ['--teacher', self.dit_dir, '--out', self.tmp, '--teacher-steps', '8'])
        t = few_step_distill.DistillTrainer(self.cfg, args, torch.device('cpu'))
        batch = t.batch(0)
        points = batch['points']
        self.assertEqual(len(points), 4)
        self.assertTrue(torch.equal(points[0], batch['eps']))                 # σ = 1: noise, given frames too
        given = batch['mask'] == 1
        for p in points[1:] + [batch['target']]:                               # later: given frames clean
            self.assertTrue(torch.equal(p[given.expand_as(p)], batch['x0'][given.expand_as(p)]))
        # the student starts as the teacher; moved away from it (the 3-step teacher is nearly the
        # identity map, which the copy already fits), it learns the teacher's endpoints on a fixed batch
        self.assertTrue(all(torch.equal(a, b) for a, b in zip(t.dit.parameters(), t.teacher.parameters())))
        init_random_(t.dit, 0)
        losses = [t.train_on(batch, 2e-3)['loss'] for _ in range(8)]
        self.assertTrue(all(math.isfinite(x) for x in losses))
        self.assertLess(losses[-1], losses[0], losses)
        self.assertFalse(any(p.requires_grad for p in t.teacher.parameters()))
        out = os.path.join(self.tmp, 'distill')
        summary = few_step_distill.main(BASE + ['--teacher', self.dit_dir, '--out', out, '--steps', '2',
                                                '--teacher-steps', '4'])
        self.assertEqual(summary['last_step'], 2)
        parts, meta = checkpoint.load(out)
        self.assertEqual(set(parts), {'vae', 'text_encoder', 'dit'})
        self.assertEqual((meta['stage'], meta['teacher_steps']), ('distill', 4))

    def test_teacher_trajectories_are_computed_once(self):
        folder = os.path.join(self.tmp, 'trajectories')
        extra = ['--teacher', self.dit_dir, '--out', self.tmp, '--teacher-steps', '4', '--trajectories', folder,
                 '--trajectory-batches', '2']
        t = few_step_distill.DistillTrainer(self.cfg, few_step_distill.parse_args(BASE + extra), torch.device('cpu'))
        first = t.batch(0)
        self.assertTrue(t.trajectories.has(0))
        t.teacher_trajectory = None             # the teacher cannot run again: step 2 (batch 0 again) reads the disk
        again = t.batch(2)
        for k in ('target', 'mask', 'ids', 'tmask'):
            self.assertTrue(torch.equal(first[k], again[k]), k)
        self.assertTrue(torch.equal(first['x0'] * first['mask'], again['x0']))
        self.assertTrue(all(torch.equal(a, b) for a, b in zip(first['points'], again['points'])))
        self.assertEqual(first['captions'], again['captions'])
        self.assertEqual(float(t.losses(first)['loss']), float(t.losses(again)['loss']))
        # trajectories of another teacher setting are never mixed in
        other = few_step_distill.parse_args(BASE + extra[:-4] + ['--cfg', '2', *extra[-4:]])
        with self.assertRaises(SystemExit):
            few_step_distill.DistillTrainer(self.cfg, other, torch.device('cpu'))

    def test_teacher_grid_holds_the_shipped_timesteps(self):
        coarse, fine = sigma_schedule(4, 5.0), sigma_schedule(32, 5.0)
        for k in range(5):
            self.assertAlmostEqual(coarse[k], fine[8 * k], places=12)

    def test_judge_checkpoint_appends_a_learning_curve_row(self):
        metrics = os.path.join(self.tmp, 'metrics.json')
        with open(metrics, 'w') as f:
            f.write('{"vae": {}}')
        argv = [self.dit_dir, '--config', 'tiny-test', '--prompts', '2', '--seconds', '0.5', '--steps', '2',
                '--curve', metrics, '--out', os.path.join(self.tmp, 'judged')]
        row = judge_checkpoint.main(argv)
        judge_checkpoint.main(argv)
        with open(metrics) as f:
            curve = json.load(f)['dit']['learning_curve']
        self.assertEqual(len(curve), 2)
        self.assertEqual(curve[0], row)
        self.assertEqual(row['step'], 3)
        self.assertEqual(row['clips_seen'], sum(batch_size_for(self.cfg, bucket_at(self.cfg, i)[1], 3) for i in range(3)))
        for group in judge_checkpoint.GROUPS:
            self.assertTrue(0.0 <= row[group] <= 1.0)
        with open(os.path.join(self.tmp, 'judged', 'judge.json')) as f:
            clips = json.load(f)['groups']['heldin_multi']['clips']
        self.assertEqual(len(clips), 2)
        self.assertTrue(all(len(parse_caption(c['caption'])['objects']) > 1 for c in clips))


if __name__ == '__main__':
    unittest.main()
