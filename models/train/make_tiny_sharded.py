"""tiny-test's weights exported as zoetrope-s ships them (export_zoetrope_s.py), but with a small file
limit so the DiT is split into shards with an index: the fixture that proves the engine loads a sharded
model (tests/gpu/sharded_model.spec.ts) and makes the same frames as from the single-file model.
Run: /usr/bin/python3 models/train/make_tiny_sharded.py <out_dir>
"""
import os
import sys
import tempfile

import checkpoint
from config import load_config
from export_zoetrope_s import export
from make_tiny import OUT_DIR as TINY_DIR, tiny_models

# tiny-test's DiT is ~1.2 MB in f16: this splits it in two; the other parts stay single files.
SHARD_LIMIT = 700_000


def main(out_dir):
    models = tiny_models(load_config('tiny-test'))
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = os.path.join(tmp, 'ckpt')
        checkpoint.save(ckpt, models, {'stage': 'distill', 'step': 0, 'latent_scale': [1.0] * 4})
        manifest, _ = export(ckpt, out_dir, 'tiny-test', os.path.join(TINY_DIR, 'tokenizer.json'),
                             file_limit=SHARD_LIMIT, verbose=False)
    print(' '.join(f['path'] for f in manifest['files']))


if __name__ == '__main__':
    main(sys.argv[1])
