"""The whole Wan pipeline on the twins, for the browser's end-to-end test (issue 13): prompt ->
umT5 tokens -> umT5 twin -> DiT twin under each sampler -> TAEHV twin -> frames, in float32 from
the weights as stored, with the browser's noise (models/train/rng.py, the same streams as
src/sampler/wan_self_forcing.ts and wan_flow_matching.ts).

Also lays the twins' files out as the Hugging Face Hub repositories the app downloads from
(hub/<owner>/<repo>/<path>, hard links to the twins' files), with a config.json and the test
tokenizer (tests/fixtures/umt5_tokenizer: a small unigram vocabulary, ids under the twin's 384).

Self-Forcing runs one chunk here (3 latent frames): chunk after chunk through the KV cache is
checked on the GPU against its reference loop (tests/gpu-node/wan_samplers_gpu.test.ts)."""
import json
import os
import shutil

import numpy as np
import torch

from twins import build_dit, build_taehv, build_umt5, dit_config, save_goldens
from wan_dit import velocity
import train_path  # noqa: F401
from rng import noise
from sample import sigma_schedule

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
TOKENIZER_DIR = os.path.join(ROOT, 'tests', 'fixtures', 'umt5_tokenizer')

PROMPT = 'a red ball'
SEED = 7
HEIGHT, WIDTH = 32, 32                      # pixels; latents 4 x 4, 4 DiT tokens a frame
# The test checkpoint's context length (config.json's text_len; 512 published). No weight's shape
# depends on it, and at Wan's widths the DiT's text projection of 512 rows is most of a browser
# test's time on a software GPU.
TEXT_LEN = 16
FLOW = dict(frames=5, steps=1, shift=5.0, guidance=5.0)   # 2 latent frames; 1 of the base model's 50 steps
SELF_FORCING = dict(frames=9, steps=4, shift=5.0)         # 3 latent frames: one chunk

# Where the app looks for each part (src/store/wan_sources.ts); the twins stand in for the files.
HUB_FILES = {
    'Wan-AI/Wan2.1-T2V-1.3B': {
        'diffusion_pytorch_model.safetensors': 'dit/diffusion_pytorch_model.safetensors',
        'models_t5_umt5-xxl-enc-bf16.pth': 'umt5/models_t5_umt5-xxl-enc-bf16.pth',
        'google/umt5-xxl/tokenizer.json': TOKENIZER_DIR + '/tokenizer.json',
        'google/umt5-xxl/tokenizer_config.json': TOKENIZER_DIR + '/tokenizer_config.json',
    },
    'gdhe17/Self-Forcing': {'checkpoints/self_forcing_dmd.pt': 'self-forcing/self_forcing_dmd.pt'},
    'lightx2v/Autoencoders': {'taew2_1.pth': 'taehv/taew2_1.pth'},
}


def prompt_ids(prompt):
    """The fixture tokenizer's ids of a prompt made of whole-word pieces, then </s>: what the
    unigram model gives for such a prompt (tests/unit/model/umt5_tokenizer.test.ts checks it)."""
    with open(os.path.join(TOKENIZER_DIR, 'tokenizer.json'), encoding='utf-8') as f:
        vocab = [piece for piece, _ in json.load(f)['model']['vocab']]
    words = prompt.split()
    return [vocab.index('\u2581' + w) for w in words] + [vocab.index('</s>')]


def context_of(umt5, ids, text_len):
    """umT5 on the prompt's tokens alone, then zero rows up to text_len, as Wan's pipeline pads."""
    with torch.no_grad():
        y = umt5(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long))[0]
    return torch.cat([y, y.new_zeros(text_len - len(ids), y.shape[1])])[None]


def latent_shape(frames):
    return (16, (frames - 1) // 4 + 1, HEIGHT // 8, WIDTH // 8)


def flow_matching(dit, context, empty, frames, steps, shift, guidance):
    x = torch.from_numpy(noise(latent_shape(frames), SEED, 0))
    sigmas = sigma_schedule(steps, shift)
    with torch.no_grad():
        for k in range(steps):
            t = torch.tensor([1000 * sigmas[k]], dtype=torch.float32)
            vc = velocity(dit, x[None], t, context)[0]
            vu = velocity(dit, x[None], t, empty)[0]
            x = x + (sigmas[k + 1] - sigmas[k]) * (vu + guidance * (vc - vu))
    return x


def self_forcing(dit, context, frames, steps, shift):
    shape = latent_shape(frames)
    x = torch.from_numpy(noise(shape, SEED, 0))            # chunk 0's streams: 0, then 1..steps-1
    sigmas = sigma_schedule(steps, shift)
    with torch.no_grad():
        for k in range(steps):
            t = torch.tensor([1000 * sigmas[k]], dtype=torch.float32)
            x0 = x - sigmas[k] * velocity(dit, x[None], t, context)[0]
            x = (1 - sigmas[k + 1]) * x0 + sigmas[k + 1] * torch.from_numpy(noise(shape, SEED, k + 1)) if sigmas[k + 1] > 0 else x0
    return x


def decode(taehv, latents):
    """(C, F, H, W) -> frames (4F - 3, 3, 8H, 8W) in [0, 1]."""
    with torch.no_grad():
        return taehv.decode_video(latents.permute(1, 0, 2, 3)[None].float())[0]


def lay_out_hub(out):
    hub = os.path.join(out, 'hub')
    shutil.rmtree(hub, ignore_errors=True)
    for repo, files in HUB_FILES.items():
        for path, source in files.items():
            target = os.path.join(hub, repo, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.isabs(source):                       # a small file of the repository: copied
                shutil.copyfile(source, target)
                continue
            try:
                os.link(os.path.join(out, source), target)  # a twin's file: hundreds of MB, not copied
            except OSError:
                shutil.copyfile(os.path.join(out, source), target)
    # The published config.json's fields the app reads, at the twin's depth.
    cfg = dit_config()
    config = {'_class_name': 'WanModel', 'model_type': 't2v', 'dim': cfg['dim'], 'ffn_dim': cfg['ffn_dim'], 'freq_dim': cfg['freq_dim'],
              'in_dim': cfg['in_channels'], 'out_dim': cfg['out_channels'], 'num_heads': cfg['num_heads'], 'num_layers': cfg['num_layers'],
              'text_len': TEXT_LEN, 'eps': cfg['eps']}
    with open(os.path.join(hub, 'Wan-AI/Wan2.1-T2V-1.3B', 'config.json'), 'w') as f:
        json.dump(config, f, indent=2)


def write_chain(out):
    umt5, _ = build_umt5()
    dit, _ = build_dit()
    taehv, _ = build_taehv()
    text_len = TEXT_LEN
    ids = prompt_ids(PROMPT)
    context = context_of(umt5, ids, text_len)
    empty = context_of(umt5, prompt_ids(''), text_len)
    flow = flow_matching(dit, context, empty, **FLOW)
    sf = self_forcing(dit, context, **SELF_FORCING)
    d = os.path.join(out, 'chain')
    os.makedirs(d, exist_ok=True)
    save_goldens(d, {
        'ids': torch.tensor(ids, dtype=torch.float32),
        'flow.latents': flow, 'flow.frames': decode(taehv, flow),
        'self_forcing.latents': sf, 'self_forcing.frames': decode(taehv, sf),
    })
    lay_out_hub(out)
    return {'prompt': PROMPT, 'seed': SEED, 'height': HEIGHT, 'width': WIDTH, 'flow': FLOW, 'self_forcing': SELF_FORCING,
            'dit_layers': dit_config()['num_layers'], 'hub': {repo: sorted(files) + (['config.json'] if repo.startswith('Wan-AI') else [])
                                                              for repo, files in HUB_FILES.items()}}
