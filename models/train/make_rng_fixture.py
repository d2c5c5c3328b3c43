"""Write tests/fixtures/rng/seed42.json: the first 4096 normals (and 16 raw u32) for seed 42.

Both twins (models/train/rng.py, src/sampler/rng.ts) are tested against this one file.
Run: /usr/bin/python3 models/train/make_rng_fixture.py
"""
import json
import os

from rng import NormalRng, Pcg32

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
FIXTURE = os.path.join(ROOT, 'tests', 'fixtures', 'rng', 'seed42.json')
SEED, STREAM, COUNT = 42, 0, 4096
LARGE_SEED = 2 ** 52 + 12345  # above 2^32, still a safe integer in JS


def fixture():
    pcg = Pcg32(SEED, STREAM)
    rng = NormalRng(SEED, STREAM)
    return {
        '$comment': 'PCG32 + Box-Muller (models/train/rng.py, src/sampler/rng.ts). normals are float32 '
                    'values, each written as the float64 repr of the exact float32 value (parses back exactly). '
                    'large_seed checks 64-bit seeding and a non-zero stream.',
        'seed': SEED, 'stream': STREAM,
        'u32': [pcg.next_u32() for _ in range(16)],
        'normals': [rng.next() for _ in range(COUNT)],
        'large_seed': {'seed': LARGE_SEED, 'stream': 54, 'u32': [p.next_u32() for p in [Pcg32(LARGE_SEED, 54)]
                                                                  for _ in range(8)]},
    }


if __name__ == '__main__':
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, 'w') as f:
        json.dump(fixture(), f, indent=None, separators=(',', ':'))
        f.write('\n')
    print('wrote', FIXTURE)
