"""export_zoetrope_s.py on tiny weights (into temp dirs): a manifest whose sizes and sha256s match, safetensors
that load (sharded too, with an index WeightSet.fromIndex reads), ONNX graphs whose external data points into
the shards, and, unsharded, exactly the bytes of models/tiny-test and tests/fixtures/goldens'
JSON, with the goldens' computed tensors equal within a tolerance (they depend on the BLAS)."""
import filecmp
import hashlib
import json
import os
import shutil
import tempfile
import unittest

import onnx
import torch
from onnx import TensorProto

import checkpoint
import safetensors_io as st
from config import load_config, read_config_text
from export_goldens import GOLDEN_DIR
from export_zoetrope_s import export, load_model_dir
from make_tiny import OUT_DIR as TINY_DIR, tiny_models


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.cfg = load_config('tiny-test')
        cls.models = tiny_models(cls.cfg)
        cls.ckpt = os.path.join(cls.tmp, 'ckpt')
        checkpoint.save(cls.ckpt, cls.models, {'stage': 'distill', 'step': 7, 'latent_scale': [1.0] * 4})
        cls.tokenizer = os.path.join(TINY_DIR, 'tokenizer.json')
        cls.sharded = os.path.join(cls.tmp, 'sharded')
        cls.manifest, _ = export(cls.ckpt, cls.sharded, 'tiny-test', cls.tokenizer, file_limit=700_000, verbose=False)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_manifest_sizes_and_hashes(self):
        m = self.manifest
        self.assertEqual(m['config'], json.loads(read_config_text('tiny-test')))
        self.assertEqual(m['training'], {'stage': 'distill', 'step': 7, 'latent_scale': [1.0] * 4})
        with open(os.path.join(self.sharded, 'manifest.json')) as f:
            self.assertEqual(json.load(f), m)
        listed = {x['path'] for x in m['files']}
        self.assertEqual(listed | {'manifest.json'}, set(os.listdir(self.sharded)))
        for x in m['files']:
            with open(os.path.join(self.sharded, x['path']), 'rb') as f:
                data = f.read()
            self.assertEqual(len(data), x['bytes'], x['path'])
            self.assertEqual(hashlib.sha256(data).hexdigest(), x['sha256'], x['path'])
            self.assertLessEqual(x['bytes'], 700_000, x['path'])

    def test_shards_and_index_load_back_the_f16_weights(self):
        dit = self.manifest['parts']['dit']
        self.assertEqual(dit['weights'], ['dit-00001-of-00002.safetensors', 'dit-00002-of-00002.safetensors'])
        with open(os.path.join(self.sharded, dit['index'])) as f:
            index = json.load(f)
        seen = {}
        for shard in dit['weights']:
            tensors, meta = st.load(os.path.join(self.sharded, shard))
            self.assertEqual(meta['part'], 'dit')
            for name, t in tensors.items():
                self.assertEqual(index['weight_map'][name], shard)
                self.assertEqual(t.dtype, torch.float16)
                seen[name] = t
        self.assertEqual(set(seen), set(self.models['dit'].state_dict()))
        # The VAE names the latent scale folded into it: latent_cache.py reads it rather than refold.
        _, vae_meta = st.load(os.path.join(self.sharded, self.manifest['parts']['vae']['weights']))
        self.assertEqual(json.loads(vae_meta['latent_scale']), [1.0] * 4)
        _, loaded = load_model_dir(self.sharded)
        for part, module in self.models.items():
            for name, value in module.state_dict().items():
                self.assertTrue(torch.equal(loaded[part].state_dict()[name], value.half().float()), f'{part}.{name}')

    def test_onnx_external_data_points_into_the_shards(self):
        path = os.path.join(self.sharded, 'dit.onnx')
        onnx.checker.check_model(path)
        model = onnx.load(path, load_external_data=False)
        locations = set()
        for init in model.graph.initializer:
            if init.data_location != TensorProto.EXTERNAL:
                continue
            info = {e.key: e.value for e in init.external_data}
            locations.add(info['location'])
            with open(os.path.join(self.sharded, info['location']), 'rb') as f:
                data = f.read()
            header, start = st.parse_header(data)
            name = init.name[:-len('::f16')]
            begin, end = header[name]['data_offsets']
            self.assertEqual((int(info['offset']), int(info['length'])), (start + begin, end - begin), name)
        self.assertEqual(locations, set(self.manifest['parts']['dit']['weights']))

    def test_parameters_of_equal_value_export_as_one_initializer(self):
        # Trained q and k norm weights can round to the same f16 numbers; the ONNX exporter then
        # keeps one initializer for both, and the export must still link and check every tensor.
        models = tiny_models(self.cfg)
        attn = models['dit'].blocks[0].cross_attn
        with torch.no_grad():
            attn.norm_k.weight.copy_(attn.norm_q.weight)
        ckpt = os.path.join(self.tmp, 'equal-norms')
        checkpoint.save(ckpt, models, {'stage': 'dit', 'step': 1, 'latent_scale': [1.0] * 4})
        out = os.path.join(self.tmp, 'equal-norms-export')
        export(ckpt, out, 'tiny-test', self.tokenizer, verbose=False)
        onnx.checker.check_model(os.path.join(out, 'dit.onnx'))

    def test_a_decoder_trained_on_replaces_the_vae_and_a_changed_encoder_is_refused(self):
        vae = {k: v.clone() for k, v in self.models['vae'].state_dict().items()}
        decoder_key = next(k for k in vae if k.startswith('decoder.'))
        encoder_key = next(k for k in vae if k.startswith('encoder.'))
        vae[decoder_key] += 0.5
        folder = os.path.join(self.tmp, 'vae-decoder')
        vae_module = tiny_models(self.cfg)['vae']
        vae_module.load_state_dict(vae)
        checkpoint.save(folder, {'vae': vae_module}, {'stage': 'vae', 'step': 3, 'latent_scale': [1.0] * 4})
        out = os.path.join(self.tmp, 'with-decoder')
        manifest, _ = export(self.ckpt, out, 'tiny-test', self.tokenizer, with_onnx=False, verbose=False, vae=folder)
        self.assertEqual(manifest['training']['vae_decoder_step'], 3)
        shipped, _ = st.load(os.path.join(out, manifest['parts']['vae']['weights']))
        self.assertTrue(torch.equal(shipped[decoder_key], vae[decoder_key].half()))
        self.assertTrue(torch.equal(shipped[encoder_key], self.models['vae'].state_dict()[encoder_key].half()))

        vae[encoder_key] += 0.5                                # latents the DiT never saw: refused
        vae_module.load_state_dict(vae)
        checkpoint.save(folder, {'vae': vae_module}, {'stage': 'vae', 'step': 4, 'latent_scale': [1.0] * 4})
        with self.assertRaisesRegex(ValueError, 'encoder differs'):
            export(self.ckpt, os.path.join(self.tmp, 'refused'), 'tiny-test', self.tokenizer, with_onnx=False, verbose=False, vae=folder)
        checkpoint.save(folder, {'vae': vae_module}, {'stage': 'vae', 'step': 4, 'latent_scale': [2.0] * 4})
        with self.assertRaisesRegex(ValueError, 'latent scale'):
            export(self.ckpt, os.path.join(self.tmp, 'refused'), 'tiny-test', self.tokenizer, with_onnx=False, verbose=False, vae=folder)

    def test_unsharded_export_is_tiny_test_and_its_goldens(self):
        # make_tiny's VAE was never latent-scaled, so this checkpoint says no scale, as make_tiny does.
        unscaled = os.path.join(self.tmp, 'unscaled')
        checkpoint.save(unscaled, self.models, {'stage': 'distill', 'step': 7})
        out = os.path.join(self.tmp, 'plain')
        goldens = os.path.join(self.tmp, 'goldens')
        export(unscaled, out, 'tiny-test', self.tokenizer, goldens_dir=goldens, verbose=False)
        for name in ('tokenizer.json', 'text_encoder.safetensors', 'dit.safetensors', 'vae.safetensors',
                     'text_encoder.onnx', 'dit.onnx', 'vae_encoder.onnx', 'vae_decoder.onnx'):
            self.assertTrue(filecmp.cmp(os.path.join(out, name), os.path.join(TINY_DIR, name), shallow=False), name)
        for name in os.listdir(GOLDEN_DIR):
            if name.endswith('.json'):
                self.assertTrue(filecmp.cmp(os.path.join(goldens, name), os.path.join(GOLDEN_DIR, name),
                                            shallow=False), name)
            elif name.endswith('.safetensors'):
                self.assert_same_goldens(os.path.join(goldens, name), os.path.join(GOLDEN_DIR, name))

    def assert_same_goldens(self, path, expected_path):
        """Goldens are computed in f32, and the BLAS that computes them (reference, OpenBLAS, MKL)
        changes the last bits: the same tensors, equal within 1e-4 of their scale."""
        got, _ = st.load(path)
        expected, _ = st.load(expected_path)
        self.assertEqual(sorted(got), sorted(expected), path)
        for name, want in expected.items():
            self.assertEqual(got[name].shape, want.shape, name)
            scale = max(1.0, want.abs().max().item())
            self.assertLessEqual((got[name].float() - want.float()).abs().max().item(), 1e-4 * scale, name)


if __name__ == '__main__':
    unittest.main()
