"""Build models/tiny-test/: the tiny random model every test runs on (< 2 MB, fixed seed).

Writes, next to a manifest.json ({name, version, config (verbatim), parts, files: [{path, bytes, sha256}]}):
  tokenizer.json                         HF tokenizers format, WordLevel, whitespace pre-tokenizer
  text_encoder.safetensors, dit.safetensors, vae.safetensors    f16 weights (the only copy)
  text_encoder.onnx, dit.onnx            CPU path (onnxruntime-web WASM EP), f32 compute
  vae_encoder.onnx, vae_decoder.onnx     onnxruntime-web WebGPU EP, f32 compute
The ONNX files hold no weights: their initializers are ONNX external data pointing into the
safetensors (see onnx_export.py). Run: /usr/bin/python3 models/train/make_tiny.py [out_dir]
"""
import hashlib
import json
import os
import sys

import torch

import safetensors_io as st
from config import load_config, read_config_text
from model import build_models, init_random_

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
OUT_DIR = os.path.join(ROOT, 'models', 'tiny-test')
SEED = 1234
PARTS = ('text_encoder', 'dit', 'vae')
SPECIALS = ['[PAD]', '[UNK]', '[EOS]']   # ids 0, 1, 2: padding id 0, EOS appended to every prompt
WORDS = """a an the of and with on in to over under at , . red green blue yellow orange purple white
black gray pink circle square triangle ball cube star ring line dot bar moves moving bounces bouncing
rotates spinning grows shrinks slides falls rises left right up down slowly quickly across around
background center small large bright dark""".split()


def tokenizer_json(vocab_size, words=WORDS):
    """HF-format WordLevel tokenizer over SPECIALS + words (make_tokenizer.py passes the world's words)."""
    vocab = SPECIALS + [w for w in words if w not in SPECIALS]
    if len(vocab) > vocab_size:
        raise ValueError(f'{len(vocab)} tokens do not fit vocab_size {vocab_size}')
    special = lambda i, s: {'id': i, 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False,
                            'normalized': False, 'special': True}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [special(i, s) for i, s in enumerate(SPECIALS)],
        'normalizer': {'type': 'Lowercase'},
        'pre_tokenizer': {'type': 'Whitespace'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[EOS]', 'type_id': 0}}],
            'pair': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 0}},
                     {'SpecialToken': {'id': '[EOS]', 'type_id': 0}}],
            'special_tokens': {'[EOS]': {'id': '[EOS]', 'ids': [2], 'tokens': ['[EOS]']}},
        },
        'decoder': None,
        'model': {'type': 'WordLevel', 'vocab': {w: i for i, w in enumerate(vocab)}, 'unk_token': '[UNK]'},
    }


def tokenize(tok, text, text_len):
    """What the TS tokenizer must do: lowercase, split \\w+ | [^\\w\\s]+, map (unknown -> [UNK]),
    append [EOS], pad with [PAD] to text_len (truncating first, keeping EOS last). Returns (ids, mask)."""
    import re
    vocab = tok['model']['vocab']
    words = re.findall(r'\w+|[^\w\s]+', text.lower())
    ids = [vocab.get(w, vocab['[UNK]']) for w in words][:text_len - 1] + [vocab['[EOS]']]
    mask = [1] * len(ids) + [0] * (text_len - len(ids))
    return ids + [vocab['[PAD]']] * (text_len - len(ids)), mask


def tiny_models(cfg):
    """The tiny model with random weights, rounded to f16 so the f32 model equals the shipped weights."""
    torch.manual_seed(SEED)
    models = build_models(cfg)
    with torch.no_grad():
        for i, part in enumerate(PARTS):
            init_random_(models[part], SEED + i)
            for p in models[part].parameters():
                p.copy_(p.half().float())
    return models


def load_tiny(model_dir=OUT_DIR):
    """The shipped tiny model (weights read back from its safetensors), in f32, eval mode."""
    with open(os.path.join(model_dir, 'manifest.json')) as f:
        cfg = json.load(f)['config']
    models = build_models(cfg)
    for part in PARTS:
        tensors, _ = st.load(os.path.join(model_dir, part + '.safetensors'))
        models[part].load_state_dict({k: v.float() for k, v in tensors.items()})
    return cfg, models


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def distinct_parameters(module):
    """Parameters that are not equal to an earlier one. The ONNX exporter keeps one initializer for
    parameters of equal value (trained q and k norm weights that round to the same f16 numbers do),
    and the graph reads that one for both."""
    seen = []
    for p in module.parameters():
        if not any(q.shape == p.shape and torch.equal(q, p) for q in seen):
            seen.append(p)
    return len(seen)


def export_onnx(cfg, models, out_dir, blobs, names=None):
    """The four ONNX graphs (or those in `names`), weights linked into the safetensors."""
    import onnx
    from onnx_export import double_to_float, export, link_external_f16, strip_names

    te_cfg, dit_cfg = cfg['text_encoder'], cfg['dit']
    c, L = dit_cfg['in_channels'], dit_cfg['text_len']
    g = torch.Generator().manual_seed(0)
    spatial = {2: 'frames', 3: 'height', 4: 'width'}

    class VaeEncoderGraph(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder                                    # names 'encoder.*' as in vae.safetensors

        def forward(self, frames):                                    # (N, 3, H, W) in [-1, 1]
            return self.encoder(frames)[:, :c]                        # (N, C, H/8, W/8): the mean

    class VaeDecoderGraph(torch.nn.Module):
        def __init__(self, decoder):
            super().__init__()
            self.decoder = decoder

        def forward(self, latents):                                   # (N, C, h, w)
            return self.decoder(latents)                              # (N, 3, s·h, s·w)

    graphs = {
        'text_encoder': (models['text_encoder'],
                         (torch.ones(1, L, dtype=torch.long), torch.ones(1, L, dtype=torch.long)),
                         ['ids', 'mask'], ['tokens'], {}),
        'dit': (models['dit'],
                (torch.randn(1, c, 2, 4, 6, generator=g), torch.randn(1, c, 2, 4, 6, generator=g),
                 torch.ones(1, 1, 2, 4, 6), torch.tensor([500.0]), torch.randn(1, L, dit_cfg['text_dim'], generator=g)),
                ['x', 'clean', 'mask', 't', 'context'], ['velocity'],
                {'x': spatial, 'clean': spatial, 'mask': spatial, 'velocity': spatial}),
        'vae_encoder': (VaeEncoderGraph(models['vae'].encoder), (torch.randn(1, 3, 32, 48, generator=g),),
                        ['frames'], ['latents'], {'frames': {0: 'n', 2: 'height', 3: 'width'},
                                                  'latents': {0: 'n', 2: 'h', 3: 'w'}}),
        'vae_decoder': (VaeDecoderGraph(models['vae'].decoder), (torch.randn(1, c, 4, 6, generator=g),),
                        ['latents'], ['frames'], {'latents': {0: 'n', 2: 'h', 3: 'w'},
                                                  'frames': {0: 'n', 2: 'height', 3: 'width'}}),
    }
    written = []
    for name, (module, args, inputs, outputs, axes) in graphs.items():
        if names is not None and name not in names:
            continue
        part = 'vae' if name.startswith('vae') else name
        model = export(module, args, inputs, outputs, axes)
        n = link_external_f16(model, blobs[part], part + '.safetensors')
        if n != distinct_parameters(module):
            raise RuntimeError(f'{name}: linked {n} of {distinct_parameters(module)} distinct parameters')
        double_to_float(model)
        strip_names(model)
        path = os.path.join(out_dir, name + '.onnx')
        onnx.save(model, path)
        onnx.checker.check_model(path)                                 # resolves external data next to it
        written.append(name + '.onnx')
    return written


def main(out_dir=OUT_DIR, with_onnx=True, verbose=True):
    cfg = load_config('tiny-test')
    config_text = read_config_text('tiny-test')
    models = tiny_models(cfg)
    os.makedirs(out_dir, exist_ok=True)
    files = []

    tok = tokenizer_json(cfg['text_encoder']['vocab_size'])
    with open(os.path.join(out_dir, 'tokenizer.json'), 'w') as f:
        json.dump(tok, f, indent=1)
        f.write('\n')
    files.append('tokenizer.json')

    blobs = {}
    for part in PARTS:
        tensors = {k: v.half() for k, v in models[part].state_dict().items()}
        blobs[part] = st.save(os.path.join(out_dir, part + '.safetensors'), tensors,
                              {'format': 'pt', 'model': cfg['name'], 'part': part})
        files.append(part + '.safetensors')

    if with_onnx:
        files += export_onnx(cfg, models, out_dir, blobs)

    manifest = {
        'name': cfg['name'],
        'version': cfg['version'],
        'config': json.loads(config_text),
        'parts': {
            'tokenizer': 'tokenizer.json',
            'text_encoder': {'weights': 'text_encoder.safetensors', 'onnx': 'text_encoder.onnx'},
            'dit': {'weights': 'dit.safetensors', 'onnx': 'dit.onnx'},
            'vae': {'weights': 'vae.safetensors', 'encoder_onnx': 'vae_encoder.onnx',
                    'decoder_onnx': 'vae_decoder.onnx'},
        },
        'files': [{'path': p, 'bytes': os.path.getsize(os.path.join(out_dir, p)),
                   'sha256': sha256(os.path.join(out_dir, p))} for p in files],
    }
    with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    total = sum(x['bytes'] for x in manifest['files']) + os.path.getsize(os.path.join(out_dir, 'manifest.json'))
    if verbose:
        print(f'{out_dir}: {len(files) + 1} files, {total} bytes')
    return manifest


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else OUT_DIR)
