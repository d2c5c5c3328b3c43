"""Ship the VAE alone (part 1 of zoetrope-s's training): vae.safetensors (f16, the latent
scale folded in) and vae_encoder.onnx / vae_decoder.onnx, whose initializers point into it, into
models/<config>/. export_zoetrope_s.py later writes every part and the manifest; until then the
app does not list zoetrope-s (no manifest.json). A training checkpoint (scale not yet folded) gets its
latent scale measured and folded into the exported copy; the scale, step and machine time go into the
file's metadata.

    /usr/bin/python3 models/train/export_vae.py .cache/train/latents/vae [--config zoetrope-s]
"""
import argparse
import json
import os
import sys

import torch

import checkpoint
import latent_scale
import safetensors_io as st
from config import load_config
from export_zoetrope_s import FILE_LIMIT, check_models_budget
from make_tiny import ROOT, export_onnx
from model import build_models


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('checkpoint', help="VAE checkpoint folder: the latent cache's vae/ (scale folded), or a training one (folded here)")
    p.add_argument('--config', default='zoetrope-s')
    p.add_argument('--out', help='default models/<config name>')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    cfg = load_config(args.config)
    models = build_models(cfg)
    meta = checkpoint.load_into(args.checkpoint, {'vae': models['vae']})
    if 'latent_scale' not in meta:                                       # a training checkpoint: fold a copy
        meta.update(latent_scale.measure_and_fold(cfg, models['vae']))
        print('latent scale measured and folded:', meta['latent_scale'])
    out = args.out or os.path.join(ROOT, 'models', cfg['name'])
    os.makedirs(out, exist_ok=True)
    tensors = {k: v.half() for k, v in models['vae'].state_dict().items()}
    record = {k: json.dumps(meta[k]) for k in ('step', 'latent_scale', 'machine_seconds') if k in meta}
    blob = st.save(os.path.join(out, 'vae.safetensors'), tensors, {'format': 'pt', 'model': cfg['name'], 'part': 'vae', **record})
    with torch.no_grad():
        models['vae'].load_state_dict({k: v.float() for k, v in tensors.items()})   # the shipped numbers
    files = ['vae.safetensors'] + export_onnx(cfg, models, out, {'vae': blob}, names=('vae_encoder', 'vae_decoder'))
    for f in files:
        if os.path.getsize(os.path.join(out, f)) > FILE_LIMIT:
            raise SystemExit(f'{f} is over 16 MiB')
    print(f'{out}: {files}')
    check_models_budget()


if __name__ == '__main__':
    main()
