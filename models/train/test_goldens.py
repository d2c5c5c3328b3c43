"""tests/fixtures/goldens/ is what export_goldens.py computes from the shipped tiny model (< 1 MB)."""
import json
import os
import unittest

import torch

import export_goldens as eg
import safetensors_io as st
from make_tiny import OUT_DIR, load_tiny


class GoldensTest(unittest.TestCase):
    def test_goldens_up_to_date_and_small(self):
        cfg, models = load_tiny()
        with open(os.path.join(OUT_DIR, 'tokenizer.json')) as f:
            tok = json.load(f)
        te, _, _ = eg.text_encoder_goldens(cfg, models['text_encoder'], tok)
        dit, _, _ = eg.dit_goldens(cfg, models['dit'], te['output.padded'])
        vae, _, _ = eg.vae_goldens(cfg, models['vae'])
        total = 0
        for name, fresh in (('text_encoder', te), ('dit', dit), ('vae', vae)):
            path = os.path.join(eg.GOLDEN_DIR, name + '.safetensors')
            total += os.path.getsize(path) + os.path.getsize(path[:-len('.safetensors')] + '.json')
            stored, _ = st.load(path)
            self.assertEqual(set(stored), set(fresh), name)
            for k, v in fresh.items():
                self.assertTrue(torch.allclose(stored[k].to(v.dtype), v, atol=1e-6), f'{name}/{k}')
            with open(os.path.join(eg.GOLDEN_DIR, name + '.json')) as f:
                index = json.load(f)
            self.assertEqual([t['name'] for t in index['tensors']], list(fresh), name)
        self.assertLess(total, 1_000_000)

    def test_block_trace_is_consistent(self):
        """The last block output feeds the head; the head output unpatchifies to the velocity."""
        stored, _ = st.load(os.path.join(eg.GOLDEN_DIR, 'dit.safetensors'))
        c, f, h, w = stored['output'].shape
        head = stored['head'].view(1, f, h // 2, w // 2, 1, 2, 2, c).permute(0, 7, 1, 4, 2, 5, 3, 6)
        self.assertTrue(torch.equal(head.reshape(c, f, h, w), stored['output']))


if __name__ == '__main__':
    unittest.main()
