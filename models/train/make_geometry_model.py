"""A random model with zoetrope-s's geometry and tiny widths, exported as zoetrope-s ships: the
fixture that proves the engine runs the 16x VAE, 32 latent channels and 256 tokens per window on
both backends (tests/gpu/geometry_model.spec.ts), at a size SwiftShader runs in seconds.

Same as zoetrope-s: latent (32 channels, 16x: patchify 4 + 3 levels), aspect buckets (256 px short
side), chunk, sampler, tokenizer. Smaller: text encoder and DiT widths and depths, VAE widths.
Run: /usr/bin/python3 models/train/make_geometry_model.py <out_dir>
"""
import copy
import json
import os
import sys
import tempfile

import checkpoint
from config import load_config
from export_zoetrope_s import export
from make_tiny import ROOT, tiny_models


def geometry_config():
    cfg = copy.deepcopy(load_config('zoetrope-s'))
    cfg['name'] = 'geometry-test'
    cfg['$comment'] = ['zoetrope-s geometry, tiny widths, random weights: made by models/train/make_geometry_model.py for tests.']
    cfg['text_encoder'].update(dim=128, num_heads=2, num_layers=1, ffn_dim=128)
    cfg['dit'].update(dim=128, num_heads=2, num_layers=2, ffn_dim=256, text_dim=128)
    cfg['vae'].update(base_channels=4, channel_mult=[2, 3, 4], decoder_res_blocks=1)
    return cfg


def main(out_dir):
    cfg = geometry_config()
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        config_path = os.path.join(tmp, 'geometry-test.json')
        with open(config_path, 'w') as f:
            json.dump(cfg, f, indent=2)
        ckpt = os.path.join(tmp, 'ckpt')
        checkpoint.save(ckpt, tiny_models(cfg), {'stage': 'distill', 'step': 0, 'latent_scale': [1.0] * 32})
        manifest, _ = export(ckpt, out_dir, config_path, os.path.join(ROOT, 'models', 'zoetrope-s', 'tokenizer.json'),
                             verbose=False)
    print(' '.join(f['path'] for f in manifest['files']))


if __name__ == '__main__':
    main(sys.argv[1])
