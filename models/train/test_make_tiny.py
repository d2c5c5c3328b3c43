"""models/tiny-test/: up to date, < 2 MB, manifest hashes right, ONNX weights only in the safetensors."""
import hashlib
import json
import os
import shutil
import tempfile
import unittest

import onnx
from onnx import TensorProto

import safetensors_io as st
from config import read_config_text
from make_tiny import OUT_DIR, main, tokenize

EXPECTED = ['tokenizer.json', 'text_encoder.safetensors', 'dit.safetensors', 'vae.safetensors',
            'text_encoder.onnx', 'dit.onnx', 'vae_encoder.onnx', 'vae_decoder.onnx']


def read(path):
    with open(path, 'rb') as f:
        return f.read()


class TinyModelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(OUT_DIR, 'manifest.json')) as f:
            cls.manifest = json.load(f)

    def test_manifest(self):
        m = self.manifest
        self.assertEqual(m['name'], 'tiny-test')
        self.assertEqual(m['config'], json.loads(read_config_text('tiny-test')))
        self.assertEqual([f['path'] for f in m['files']], EXPECTED)
        for f in m['files']:
            data = read(os.path.join(OUT_DIR, f['path']))
            self.assertEqual(len(data), f['bytes'], f['path'])
            self.assertEqual(hashlib.sha256(data).hexdigest(), f['sha256'], f['path'])

    def test_under_2_mb(self):
        total = sum(os.path.getsize(os.path.join(OUT_DIR, n)) for n in os.listdir(OUT_DIR))
        self.assertLess(total, 2_000_000)

    def test_committed_model_is_what_make_tiny_builds(self):
        """Deterministic: rebuilding gives the same bytes, so the committed files are up to date."""
        tmp = tempfile.mkdtemp()
        try:
            rebuilt = main(tmp, verbose=False)
            self.assertEqual(rebuilt['files'], self.manifest['files'])
        finally:
            shutil.rmtree(tmp)

    def test_onnx_weights_are_the_safetensors_bytes(self):
        """Every parameter of every graph is external data inside a safetensors file; no inline copy."""
        for graph in ('text_encoder', 'dit', 'vae_encoder', 'vae_decoder'):
            part = 'vae' if graph.startswith('vae') else graph
            blob = read(os.path.join(OUT_DIR, part + '.safetensors'))
            header, start = st.parse_header(blob)
            model = onnx.load(os.path.join(OUT_DIR, graph + '.onnx'), load_external_data=False)
            linked = 0
            for init in model.graph.initializer:
                if init.data_location != TensorProto.EXTERNAL:
                    self.assertLess(len(init.raw_data), 1024, f'{graph}: inline initializer {init.name}')
                    continue
                ext = {e.key: e.value for e in init.external_data}
                self.assertEqual(ext['location'], part + '.safetensors')
                self.assertEqual(init.data_type, TensorProto.FLOAT16)
                name = init.name[:-len('::f16')]
                info = header[name]
                begin, end = info['data_offsets']
                self.assertEqual((int(ext['offset']), int(ext['length'])), (start + begin, end - begin), name)
                linked += 1
            self.assertGreater(linked, 10, graph)

    def test_tokenizer(self):
        with open(os.path.join(OUT_DIR, 'tokenizer.json')) as f:
            tok = json.load(f)
        self.assertEqual(tok['model']['type'], 'WordLevel')
        vocab = tok['model']['vocab']
        self.assertEqual([vocab['[PAD]'], vocab['[UNK]'], vocab['[EOS]']], [0, 1, 2])
        self.assertLessEqual(len(vocab), self.manifest['config']['text_encoder']['vocab_size'])
        ids, mask = tokenize(tok, 'A red ball, zebra', 8)
        self.assertEqual(ids, [vocab['a'], vocab['red'], vocab['ball'], vocab[','], 1, 2, 0, 0])
        self.assertEqual(mask, [1, 1, 1, 1, 1, 1, 0, 0])


if __name__ == '__main__':
    unittest.main()
