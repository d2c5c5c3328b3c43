"""Write tests/fixtures/goldens/: inputs, per-block activations and outputs of the tiny model.

The TypeScript engine (src/model/text_encoder.ts, dit.ts) is matched against these block by block.
Weights come from the shipped models/tiny-test/*.safetensors (f16, computed here in f32), so the
engine loading the same files must reproduce these numbers up to its own rounding.

One safetensors (f32; token ids and mask i32) plus a JSON index per stack; the batch dimension
(B = 1) is dropped from every tensor. Noise inputs come from the RNG twin (rng.py), so the TS side
can also regenerate them from the seeds given in the JSON.
Run after make_tiny.py: /usr/bin/python3 models/train/export_goldens.py
For a shipped model folder (its f16 weights, shards joined), into tests/fixtures/goldens/<name>/:
    /usr/bin/python3 models/train/export_goldens.py models/zoetrope-s
"""
import json
import os

import torch

import safetensors_io as st
from make_tiny import OUT_DIR as TINY_DIR, ROOT, load_tiny, tokenize
from model import pad_text
from rng import noise

GOLDEN_DIR = os.path.join(ROOT, 'tests', 'fixtures', 'goldens')
PROMPT = 'A red ball bounces left, slowly!'          # '!' is not in the vocabulary: [UNK]
GRID = (2, 4, 6)                                      # latent frames, height, width: 2 x 2 x 3 = 12 tokens
T = 750.0
NOISE_SEED, CLEAN_SEED = 7, 8


def text_encoder_goldens(cfg, te, tok):
    L = cfg['text_encoder']['text_len']
    ids, mask = tokenize(tok, PROMPT, L)
    ids, mask = torch.tensor([ids]), torch.tensor([mask])
    trace = {}
    with torch.no_grad():
        out = te(ids, mask, trace)
        pos_bias = te.blocks[0].pos_embedding(L, L)
    length = mask.sum(dim=1)
    tensors = {
        'input.ids': ids[0].int(), 'input.mask': mask[0].int(),
        'token_embedding': trace['token_embedding'][0],
        'blocks.0.pos_bias': pos_bias[0],
        **{f'blocks.{i}': trace[f'blocks.{i}'][0] for i in range(len(te.blocks))},
        'output': out[0],
        'output.padded': pad_text(out, length, cfg['dit']['text_len'])[0],
    }
    what = {
        'input.ids': 'token ids of the prompt: lowercase, split on \\w+|[^\\w\\s]+, [UNK] for unknown words, [EOS] appended, [PAD]=0 to text_len',
        'input.mask': '1 for real tokens (EOS included), 0 for padding',
        'token_embedding': 'token_embedding(ids)',
        'blocks.0.pos_bias': 'relative position bias of block 0 (heads, Lq, Lk): pos_embedding.embedding[bucket(k - q)], before the padding mask',
        'output': 'final RMSNorm output (= norm), all positions including padding',
        'output.padded': 'output with positions >= the real length set to 0: the DiT context',
    }
    for i in range(len(te.blocks)):
        what[f'blocks.{i}'] = f'output of block {i} (residual stream)'
    return tensors, what, {'prompt': PROMPT, 'length': int(length)}


def dit_goldens(cfg, dit, context):
    c = cfg['dit']['in_channels']
    f, h, w = GRID
    x = torch.from_numpy(noise((c, f, h, w), NOISE_SEED))
    clean = torch.from_numpy(noise((c, f, h, w), CLEAN_SEED))
    mask = torch.zeros(1, f, h, w)
    mask[:, 0] = 1.0                                                 # frame 0 given, frame 1 generated
    t = torch.tensor([T])
    trace = {}
    with torch.no_grad():
        v = dit(x[None], clean[None], mask[None], t, context[None], trace)
    from dit import sinusoidal_embedding
    tensors = {
        'input.x': x, 'input.clean': clean, 'input.mask': mask, 'input.t': t, 'input.context': context,
        'time_sinusoid': sinusoidal_embedding(cfg['dit']['freq_dim'], t)[0],
        'patch_embedding': trace['patch_embedding'][0],
        'time_embedding': trace['time_embedding'][0],
        'time_projection': trace['time_projection'][0],
        'text_embedding': trace['text_embedding'][0],
        'rope.cos': trace['rope.cos'], 'rope.sin': trace['rope.sin'],
    }
    what = {
        'input.x': f'noisy latents (C, F, H, W) = noise(seed {NOISE_SEED}) from the RNG twin',
        'input.clean': f'clean given latents (C, F, H, W) = noise(seed {CLEAN_SEED}); the model uses clean*mask',
        'input.mask': '(1, F, H, W): 1 on given frames (frame 0), 0 on generated ones (frame 1)',
        'input.t': 'timestep in [0, 1000]',
        'input.context': 'text tokens (text_len, text_dim), zero-padded: text_encoder golden output.padded',
        'time_sinusoid': 'sinusoidal embedding of t, (freq_dim,), [cos, sin], computed in float64',
        'patch_embedding': 'patch_embedding(concat(x, clean*mask, mask)) as tokens (L, dim), (f, h, w) row-major',
        'time_embedding': 'e = time_embedding(sinusoid), (dim,)',
        'time_projection': 'e0 = time_projection(e) viewed (6, dim): shift1, scale1, gate1, shift2, scale2, gate2 (before adding each block\'s modulation)',
        'text_embedding': 'text_embedding(context), (text_len, dim)',
        'rope.cos': 'cos of the 3D RoPE angles (L, head_dim/2): pairs [time | rows | columns]',
        'rope.sin': 'sin of the same angles',
        'head': 'head output (L, pf*ph*pw*C), per-token layout (pf, ph, pw, C)',
        'output': 'unpatchified velocity (C, F, H, W)',
    }
    for i in range(len(dit.blocks)):
        tensors[f'blocks.{i}.self_attn'] = trace[f'blocks.{i}.self_attn'][0]
        tensors[f'blocks.{i}.cross_attn'] = trace[f'blocks.{i}.cross_attn'][0]
        tensors[f'blocks.{i}'] = trace[f'blocks.{i}'][0]
        what[f'blocks.{i}.self_attn'] = f'block {i}: x + self_attn(modulated norm1(x)) * gate1'
        what[f'blocks.{i}.cross_attn'] = f'block {i}: the above + cross_attn(norm3(.), context)'
        what[f'blocks.{i}'] = f'block {i} output: the above + ffn(modulated norm2(.)) * gate2'
    tensors['head'] = trace['head'][0]
    tensors['output'] = v[0]
    return tensors, what, {'grid': list(GRID), 't': T, 'noise_seed': NOISE_SEED, 'clean_seed': CLEAN_SEED}


def vae_goldens(cfg, vae):
    c = cfg['vae']['latent_channels']
    z = torch.from_numpy(noise((1, c, 2, 3), 9))
    with torch.no_grad():
        frames = vae.decoder(z)
        latents = vae.encoder(frames)[:, :c]
    tensors = {'input.latents': z[0], 'decoder.output': frames[0], 'encoder.output': latents[0]}
    what = {'input.latents': 'latents (C, h, w) = noise(seed 9)', 'decoder.output': 'decoder(latents): (3, s*h, s*w), s = the spatial factor',
            'encoder.output': 'encoder(decoder.output), the mean half: (C, h, w)'}
    return tensors, what, {}


def write(name, tensors, what, extra, cfg, golden_dir=GOLDEN_DIR):
    tensors = {k: v.contiguous() if v.dtype == torch.int32 else v.float().contiguous() for k, v in tensors.items()}
    st.save(os.path.join(golden_dir, name + '.safetensors'), tensors, {'model': cfg['name'], 'stack': name})
    index = {
        '$comment': f'Goldens for the {name} of models/{cfg["name"]}, written by models/train/export_goldens.py. '
                    'Batch dimension (1) dropped; float32 unless noted; tensors in the order computed.',
        'model': cfg['name'], 'file': name + '.safetensors', **extra,
        'tensors': [{'name': k, 'shape': list(v.shape), 'dtype': 'I32' if v.dtype == torch.int32 else 'F32',
                     'what': what.get(k, '')} for k, v in tensors.items()],
    }
    # one line per tensor: readable, and diffs stay small
    head = json.dumps({k: v for k, v in index.items() if k != 'tensors'}, indent=1)[:-2]
    rows = ',\n  '.join(json.dumps(t) for t in index['tensors'])
    with open(os.path.join(golden_dir, name + '.json'), 'w') as f:
        f.write(f'{head},\n "tensors": [\n  {rows}\n ]\n}}\n')


def main(model_dir=TINY_DIR, golden_dir=GOLDEN_DIR, load=load_tiny):
    """Goldens of the model in `model_dir` (loaded by `load(model_dir)` -> (cfg, models)) into
    `golden_dir`: tiny-test by default; export_zoetrope_s.py passes its model and
    tests/fixtures/goldens/zoetrope-s."""
    cfg, models = load(model_dir)
    with open(os.path.join(model_dir, 'tokenizer.json')) as f:
        tok = json.load(f)
    os.makedirs(golden_dir, exist_ok=True)
    te_t, te_w, te_x = text_encoder_goldens(cfg, models['text_encoder'], tok)
    write('text_encoder', te_t, te_w, te_x, cfg, golden_dir)
    dit_t, dit_w, dit_x = dit_goldens(cfg, models['dit'], te_t['output.padded'])
    write('dit', dit_t, dit_w, dit_x, cfg, golden_dir)
    write('vae', *vae_goldens(cfg, models['vae']), cfg, golden_dir)
    print('wrote', golden_dir)


def main_for_shipped(model_dir):
    from export_zoetrope_s import load_model_dir
    with open(os.path.join(model_dir, 'manifest.json')) as f:
        name = json.load(f)['config']['name']
    main(model_dir, os.path.join(GOLDEN_DIR, name), load_model_dir)


if __name__ == '__main__':
    import sys
    if len(sys.argv) > 1:
        main_for_shipped(sys.argv[1])
    else:
        main()
