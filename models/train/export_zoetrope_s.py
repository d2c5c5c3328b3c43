"""Ship trained weights: a checkpoint folder -> models/<config name>/ as the app loads it.

Writes, next to manifest.json (make_tiny.py's schema: {name, version, config verbatim, parts, files:
[{path, bytes, sha256}]}):
  tokenizer.json                    copied from the world's (models/zoetrope-s/tokenizer.json)
  text_encoder.safetensors          f16; a part over 16 MiB is split into <part>-0000i-of-0000n.safetensors
  dit-00001-of-00002.safetensors …  shards plus <part>.safetensors.index.json (HF's {metadata, weight_map},
                                    what src/model/weights.ts's WeightSet.fromIndex reads)
  vae.safetensors                   f16, the latent scale folded in (latent_scale.py)
  text_encoder.onnx, dit.onnx, vae_encoder.onnx, vae_decoder.onnx   make_tiny.py's graphs, whose
                                    initializers are external data pointing into the safetensors (shards)
and, with --goldens, the engine's goldens for these weights (export_goldens.py's mechanism) into
tests/fixtures/goldens/<config name>/. Checks every file <= 16 MiB and everything under models/
<= 40 MiB. The weights are rounded to f16 first, so the ONNX graphs, the goldens and the engine all
see exactly the shipped numbers.
With --vae <folder>, the VAE comes from that checkpoint (the vae-decoder stage), its encoder checked
to be the one the DiT's latents were made with.
Run: /usr/bin/python3 models/train/export_zoetrope_s.py <checkpoint folder> [--out models/zoetrope-s] [--goldens] [--vae <folder>]
"""
import argparse
import hashlib
import json
import os
import shutil
import sys

import torch

import checkpoint
import safetensors_io as st
from config import load_config, read_config_text
from make_tiny import PARTS, ROOT, export_onnx
from model import build_models

MIB = 2 ** 20
FILE_LIMIT = 16 * MIB
MODELS_LIMIT = 40 * MIB
HEADER_ROOM = 64 * 1024                  # safetensors JSON header of a shard, generously


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_part(out_dir, part, tensors, model_name, file_limit=FILE_LIMIT, extra_meta=None):
    """f16 tensors of one part -> [file names], and what link_external_f16 takes (bytes, or a list of
    (bytes, file name) per shard)."""
    meta = {'format': 'pt', 'model': model_name, 'part': part, **(extra_meta or {})}
    total = sum(t.numel() * t.element_size() for t in tensors.values())
    if total + HEADER_ROOM <= file_limit:
        name = part + '.safetensors'
        return [name], st.save(os.path.join(out_dir, name), tensors, meta)
    groups = checkpoint.shard(tensors, file_limit - HEADER_ROOM)
    names, blobs, weight_map = [], [], {}
    for i, group in enumerate(groups):
        name = f'{part}-{i + 1:05d}-of-{len(groups):05d}.safetensors'
        data = st.save(os.path.join(out_dir, name), {n: tensors[n] for n in group}, {**meta, 'shard': str(i + 1)})
        names.append(name)
        blobs.append((data, name))
        weight_map.update({n: name for n in group})
    index = part + '.safetensors.index.json'
    with open(os.path.join(out_dir, index), 'w') as f:
        json.dump({'metadata': {'total_size': total}, 'weight_map': weight_map}, f, indent=1)
        f.write('\n')
    return names + [index], blobs


def part_files(model_dir, part):
    """The safetensors files of a part in a model folder (sharded or not)."""
    index = os.path.join(model_dir, part + '.safetensors.index.json')
    if os.path.exists(index):
        with open(index) as f:
            return sorted(set(json.load(f)['weight_map'].values()))
    return [part + '.safetensors']


def load_model_dir(model_dir):
    """(config, {part: module in f32, eval}) from a shipped model folder (shards joined)."""
    with open(os.path.join(model_dir, 'manifest.json')) as f:
        cfg = json.load(f)['config']
    models = build_models(cfg)
    for part in PARTS:
        state = {}
        for name in part_files(model_dir, part):
            tensors, _ = st.load(os.path.join(model_dir, name))
            state.update({k: v.float() for k, v in tensors.items()})
        models[part].load_state_dict(state)
    return cfg, models


def models_dir_bytes():
    """Bytes of every file under models/ (weights, configs, code, cards, sample grids: everything
    tracked there shares the 40 MiB), bytecode caches aside."""
    total = 0
    for base, dirs, files in os.walk(os.path.join(ROOT, 'models')):
        dirs[:] = [d for d in dirs if d != '__pycache__']
        total += sum(os.path.getsize(os.path.join(base, f)) for f in files)
    return total


def export(ckpt, out_dir, config='zoetrope-s', tokenizer=None, with_onnx=True, goldens_dir=None,
           file_limit=FILE_LIMIT, verbose=True, vae=None):
    cfg = load_config(config)
    config_text = read_config_text(config)
    models = build_models(cfg)
    meta = checkpoint.load_into(ckpt, models)
    if vae:
        meta = {**meta, **vae_from(vae, models['vae'], meta)}
    with torch.no_grad():
        for m in models.values():
            for p in m.parameters():
                p.copy_(p.half().float())                        # the shipped numbers, everywhere
    os.makedirs(out_dir, exist_ok=True)

    files = []
    src = tokenizer or os.path.join(ROOT, 'models', cfg['name'], 'tokenizer.json')
    dst = os.path.join(out_dir, 'tokenizer.json')
    if not (os.path.exists(dst) and os.path.samefile(src, dst)):
        shutil.copyfile(src, dst)
    with open(dst) as f:
        vocab = json.load(f)['model']['vocab']
    if max(vocab.values()) >= cfg['text_encoder']['vocab_size']:
        raise ValueError(f'tokenizer ids reach {max(vocab.values())}, vocab_size is {cfg["text_encoder"]["vocab_size"]}')
    files.append('tokenizer.json')

    blobs, parts = {}, {}
    for part in PARTS:
        tensors = {k: v.half() for k, v in models[part].state_dict().items()}
        # The VAE says its latent scale is folded in (latent_cache.py reads it, and would not refold).
        extra = {'latent_scale': json.dumps(meta['latent_scale'])} if part == 'vae' and 'latent_scale' in meta else None
        names, blobs[part] = write_part(out_dir, part, tensors, cfg['name'], file_limit, extra)
        files += names
        shards = [n for n in names if n.endswith('.safetensors')]
        parts[part] = {'weights': shards[0] if len(shards) == 1 else shards}
        if len(names) > len(shards):
            parts[part]['index'] = names[-1]
    if with_onnx:
        files += export_onnx(cfg, models, out_dir, blobs)
        parts['text_encoder']['onnx'], parts['dit']['onnx'] = 'text_encoder.onnx', 'dit.onnx'
        parts['vae'].update(encoder_onnx='vae_encoder.onnx', decoder_onnx='vae_decoder.onnx')

    manifest = {
        'name': cfg['name'],
        'version': cfg['version'],
        'config': json.loads(config_text),
        'parts': {'tokenizer': 'tokenizer.json', **parts},
        'training': {k: meta[k] for k in ('stage', 'step', 'latent_scale', 'machine_seconds', 'schedule', 'teacher_steps', 'teacher_cfg',
                                          'vae_decoder_step') if k in meta},
        'files': [{'path': p, 'bytes': os.path.getsize(os.path.join(out_dir, p)),
                   'sha256': sha256(os.path.join(out_dir, p))} for p in files],
    }
    with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')

    too_big = [x['path'] for x in manifest['files'] if x['bytes'] > FILE_LIMIT]
    if too_big:
        raise ValueError(f'files over 16 MiB: {too_big}')
    total = sum(x['bytes'] for x in manifest['files']) + os.path.getsize(os.path.join(out_dir, 'manifest.json'))
    if goldens_dir:
        import export_goldens
        export_goldens.main(out_dir, goldens_dir, load_model_dir)
    if verbose:
        print(f'{out_dir}: {len(files) + 1} files, {total} bytes ({total / MIB:.2f} MiB)')
    return manifest, total


def vae_from(folder, vae, meta):
    """The VAE of another checkpoint (the vae-decoder stage's) in place of the one `meta` came with.
    Only its decoder may differ: the encoder made the latents the DiT learned, so a changed encoder
    (or latent scale) is refused rather than shipped beside a DiT it does not match."""
    own_encoder = {k: v.clone() for k, v in vae.state_dict().items() if k.startswith('encoder.')}
    vae_meta = checkpoint.load_into(folder, {'vae': vae})
    if vae_meta.get('latent_scale') != meta.get('latent_scale'):
        raise ValueError(f'{folder}: its latent scale is not the one the DiT was trained with')
    changed = [k for k, v in vae.state_dict().items() if k in own_encoder and not torch.equal(v, own_encoder[k])]
    if changed:
        raise ValueError(f'{folder}: its encoder differs from the DiT checkpoint\'s ({changed[0]}, …)')
    return {'vae_decoder_step': vae_meta.get('step')}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('checkpoint', help='checkpoint folder with vae, text_encoder and dit (few_step_distill.py)')
    p.add_argument('--config', default='zoetrope-s')
    p.add_argument('--out', default=None, help='default models/<config name>')
    p.add_argument('--tokenizer', default=None)
    p.add_argument('--goldens', action='store_true', help='also write tests/fixtures/goldens/<config name>/')
    p.add_argument('--vae', default=None, help='take the VAE from this checkpoint folder instead (the vae-decoder '
                                               'stage: same encoder, a decoder trained on)')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    cfg = load_config(args.config)
    out = args.out or os.path.join(ROOT, 'models', cfg['name'])
    goldens = os.path.join(ROOT, 'tests', 'fixtures', 'goldens', cfg['name']) if args.goldens else None
    export(args.checkpoint, out, args.config, args.tokenizer, goldens_dir=goldens, vae=args.vae)
    check_models_budget()


def check_models_budget():
    """Print everything under models/ against its 40 MiB budget; exit when it is over."""
    models_total = models_dir_bytes()
    print(f'models/ in all: {models_total / MIB:.2f} MiB of {MODELS_LIMIT / MIB:.0f}')
    if models_total > MODELS_LIMIT:
        raise SystemExit('over the 40 MiB budget for models/')


if __name__ == '__main__':
    main()
