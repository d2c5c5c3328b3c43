"""Write the Wan twins: random weights at the published models' real widths (few blocks), in the
published file formats under the published names, with goldens (inputs, per-block activations,
outputs) for the browser engine to match later.

    /usr/bin/python3 models/wan/make_twins.py --out .cache/wan-twins

Writes (hundreds of MB, so never committed; skipped when up to date with these sources):
  dit/diffusion_pytorch_model.safetensors               the DiT, float32, one file (as published)
  dit-sharded/diffusion_pytorch_model-0000i-of-00002.safetensors + .safetensors.index.json
                                                        the same weights in bf16, sharded (as the repacks)
  umt5/models_t5_umt5-xxl-enc-bf16.pth                  the text encoder, bf16, torch.save of its state dict
  taehv/taew2_1.pth                                     TAEHV for Wan 2.1, float16, torch.save
  self-forcing/self_forcing_dmd.pt                      {'generator_ema': {'model.' + DiT names: float32}}
  <twin>/goldens.safetensors                            float32 goldens, batch dimension dropped
  twins.json                                            what each twin is: files, manifest, reductions
  fixtures/                                             small valid and hostile torch.save files (checkpoint_fixtures.py)
  chain/goldens.safetensors                             prompt -> frames through every twin, both samplers (chain.py)
  hub/<owner>/<repo>/...                                the twins laid out as the Hub repositories the app fetches
Goldens are computed in float32 from the weights as stored (bf16/f16 rounded first).
"""
import argparse
import hashlib
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = ['chain.py', 'checkpoint_fixtures.py', 'configs.py', 'make_twins.py', 'twins.py', 'manifests.py', 'meta.py', 'taehv.py', 'wan_dit.py', 'wan_vae.py',
           '../train/dit.py', '../train/text_encoder.py', '../train/safetensors_io.py']
FORMAT_VERSION = 2
SHARD_LIMIT = 100 * 2 ** 20                  # splits the 1-block bf16 DiT (~145 MB) in two

# Few tokens: a 2 x 4 x 4 latent (8 DiT tokens), 8 text tokens.
LATENT_SHAPE = (1, 16, 2, 4, 4)
TEXT_TOKENS = 8
TIMESTEP = 750.0
TAEHV_LATENTS = (1, 3, 16, 4, 4)              # 3 latent frames -> 9 frames of 32 x 32


def sources_digest():
    h = hashlib.sha256(str(FORMAT_VERSION).encode())
    for name in SOURCES:
        with open(os.path.join(HERE, name), 'rb') as f:
            h.update(f.read())
    return h.hexdigest()


def up_to_date(out_dir, digest):
    try:
        with open(os.path.join(out_dir, 'twins.json')) as f:
            twins = json.load(f)
    except (OSError, ValueError):
        return False
    files = [os.path.join(out_dir, t['dir'], p) for t in twins['twins'].values() for p in t['files'] + ['goldens.safetensors']]
    files.append(os.path.join(out_dir, 'fixtures', 'small.pth'))
    files.append(os.path.join(out_dir, 'chain', 'goldens.safetensors'))
    return twins.get('sources') == digest and all(os.path.exists(p) for p in files)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', default=os.path.join(HERE, '..', '..', '.cache', 'wan-twins'))
    parser.add_argument('--force', action='store_true', help='rewrite even when up to date')
    args = parser.parse_args(argv)
    digest = sources_digest()
    if not args.force and up_to_date(args.out, digest):
        print(f'wan twins in {args.out} are up to date', file=sys.stderr)
        return
    started = time.time()
    import checkpoint_fixtures                      # torch is imported only when there is work
    import twins
    checkpoint_fixtures.write(args.out)
    written = twins.write_all(args.out)
    import chain
    pipeline = chain.write_chain(args.out)
    with open(os.path.join(args.out, 'twins.json'), 'w') as f:
        json.dump({'sources': digest, 'twins': written, 'chain': pipeline}, f, indent=1)
        f.write('\n')
    print(f'wan twins written to {args.out} in {time.time() - started:.1f} s', file=sys.stderr)


if __name__ == '__main__':
    main()
