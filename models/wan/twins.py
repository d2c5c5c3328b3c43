"""The twins themselves (make_twins.py writes them): each built at real widths and reduced depth,
given seeded random weights, rounded to the published dtype, saved as published, and run once in
float32 on few tokens to record goldens."""
import collections
import os

import torch

from configs import DIT_1_3B, TAEW2_1, TWIN_DIT_LAYERS, TWIN_UMT5_LAYERS, TWIN_UMT5_VOCAB, UMT5_XXL
from make_twins import LATENT_SHAPE, SHARD_LIMIT, TAEHV_LATENTS, TEXT_TOKENS, TIMESTEP
from manifests import DTYPE_NAMES
from taehv import TAEHV
from wan_dit import velocity, wan_dit
import train_path  # noqa: F401
import safetensors_io as st
from export_zoetrope_s import write_part
from text_encoder import TextEncoder


def dit_config():
    return {**DIT_1_3B, 'num_layers': TWIN_DIT_LAYERS}


def umt5_config():
    return {**UMT5_XXL, 'num_layers': TWIN_UMT5_LAYERS, 'vocab_size': TWIN_UMT5_VOCAB}


def rounded_(model, dtype):
    """Rounds every parameter to `dtype` in place (kept float32), so goldens see the stored numbers;
    returns the state dict in `dtype`."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).float())
    return collections.OrderedDict((k, v.to(dtype)) for k, v in model.state_dict().items())


def visible_init_(model):
    """PyTorch's default init leaves a real-width block's contribution tiny (Wan's modulation is
    randn/sqrt(dim), so its gates are ~0.03): a golden would then barely see a wrong attention.
    Gates and shifts of std 0.5 and norm weights spread over [0.5, 1.5] make every part count
    (and a wrong norm weight show)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('modulation'):
                p.normal_(0.0, 0.5)
            elif name.endswith('norm.weight') or '.norm' in name and name.endswith('.weight'):
                p.uniform_(0.5, 1.5)


def he_init_(model, out_bias):
    """He-normal convolutions keep TAEHV's activations at one scale through its ~20 layers (the
    default init halves them at every conv); the last conv's bias puts the frames inside (0, 1), so
    the final clamp does not zero them."""
    with torch.no_grad():
        convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
        for m in convs:
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
            if m.bias is not None:
                m.bias.zero_()
        model.decoder[-1].weight.mul_(0.005)     # the activations before it grow to std ~50
        model.decoder[-1].bias.fill_(out_bias)


def seeded(seed, build, dtype):
    """(model, its state dict in `dtype`): built from `seed`, visibly initialised, rounded to `dtype`."""
    torch.manual_seed(seed)
    model = build().eval()
    visible_init_(model)
    return model, rounded_(model, dtype)


def save_goldens(out_dir, tensors):
    st.save(os.path.join(out_dir, 'goldens.safetensors'), {k: v.detach().float().contiguous() for k, v in tensors.items()})


def build_dit():
    """(model, float32 state dict) of the DiT twin; the same numbers every call."""
    return seeded(1, lambda: wan_dit(dit_config()), torch.float32)


def build_umt5():
    """(model with bf16-rounded weights, bf16 state dict) of the text-encoder twin."""
    return seeded(2, lambda: TextEncoder(umt5_config()), torch.bfloat16)


def build_taehv():
    """(model with f16-rounded weights, f16 state dict) of the TAEHV twin."""
    torch.manual_seed(3)
    model = TAEHV(TAEW2_1).eval()
    he_init_(model, out_bias=0.5)
    return model, rounded_(model, torch.float16)


def write_dit(out):
    cfg = dit_config()
    model, weights = build_dit()

    x = torch.randn(LATENT_SHAPE)
    t = torch.tensor([TIMESTEP])
    context = torch.randn(1, TEXT_TOKENS, cfg['text_dim'])
    trace = {}
    with torch.no_grad():
        v = velocity(model, x, t, context, trace)
    goldens = {'input.x': x[0], 'input.t': t, 'input.context': context[0], 'output': v[0]}
    goldens.update({k: (val if k.startswith('rope') else val[0]) for k, val in trace.items()})

    single = os.path.join(out, 'dit')
    os.makedirs(single, exist_ok=True)
    files, _ = write_part(single, 'diffusion_pytorch_model', weights, 'wan-twin', file_limit=2 ** 40)
    save_goldens(single, goldens)
    sharded = os.path.join(out, 'dit-sharded')
    os.makedirs(sharded, exist_ok=True)
    bf16 = collections.OrderedDict((k, v.to(torch.bfloat16)) for k, v in weights.items())
    shard_files, _ = write_part(sharded, 'diffusion_pytorch_model', bf16, 'wan-twin', file_limit=SHARD_LIMIT)
    # The bf16 copy's goldens are not recorded: its numbers are the float32 file's, rounded.
    save_goldens(sharded, {'output': v[0]})

    sf = os.path.join(out, 'self-forcing')
    os.makedirs(sf, exist_ok=True)
    torch.save({'generator_ema': {'model.' + k: v for k, v in weights.items()}}, os.path.join(sf, 'self_forcing_dmd.pt'))
    save_goldens(sf, {'output': v[0]})
    layers = {'count': TWIN_DIT_LAYERS}
    return {
        'dit': twin('dit', 'wan2.1-t2v-1.3b-dit', files, 'safetensors', layers, config=cfg),
        'dit-sharded': twin('dit-sharded', 'wan2.1-t2v-1.3b-dit', shard_files, 'safetensors', layers, config=cfg, dtype='BF16'),
        'self-forcing': twin('self-forcing', 'self-forcing-dmd', ['self_forcing_dmd.pt'], 'pth', layers, config=cfg, container='generator_ema'),
    }


def write_umt5(out):
    cfg = umt5_config()
    model, weights = build_umt5()
    ids = torch.randint(0, cfg['vocab_size'], (1, TEXT_TOKENS))
    mask = torch.ones(1, TEXT_TOKENS, dtype=torch.long)
    mask[:, -2:] = 0                                              # two padded positions, as a short prompt has
    trace = {}
    with torch.no_grad():
        y = model(ids, mask, trace)
    goldens = {'input.ids': ids[0].float(), 'input.mask': mask[0].float(), 'output': y[0]}
    goldens.update({k: v[0] for k, v in trace.items()})
    d = os.path.join(out, 'umt5')
    os.makedirs(d, exist_ok=True)
    torch.save(weights, os.path.join(d, 'models_t5_umt5-xxl-enc-bf16.pth'))
    save_goldens(d, goldens)
    return {'umt5': twin('umt5', 'umt5-xxl-encoder', ['models_t5_umt5-xxl-enc-bf16.pth'], 'pth',
                         {'count': TWIN_UMT5_LAYERS}, config=cfg, dtype='BF16',
                         shapes={'token_embedding.weight': [TWIN_UMT5_VOCAB, cfg['dim']]})}


def write_taehv(out):
    model, weights = build_taehv()
    latents = torch.randn(TAEHV_LATENTS)
    trace = {}
    with torch.no_grad():
        frames = model.decode_video(latents, trace)
    goldens = {'input.latents': latents[0], 'output': frames[0]}
    goldens.update({k: v for k, v in trace.items()})             # (T', C, H, W): frames of the one clip
    d = os.path.join(out, 'taehv')
    os.makedirs(d, exist_ok=True)
    torch.save(weights, os.path.join(d, 'taew2_1.pth'))
    save_goldens(d, goldens)
    return {'taehv': twin('taehv', 'taew2.1', ['taew2_1.pth'], 'pth', None, config=TAEW2_1, dtype='F16')}


def twin(directory, manifest, files, fmt, layers, config, dtype='F32', container=None, shapes=None):
    """What the TypeScript tests need to know of a twin: its files, which manifest it follows and how
    it is reduced from it (blocks kept; shapes replaced), the dtype stored."""
    return {'dir': directory, 'manifest': manifest, 'files': files, 'format': fmt, 'container': container,
            'layers': layers['count'] if layers else None, 'shapes': shapes or {}, 'dtype': dtype, 'config': config}


def write_all(out):
    os.makedirs(out, exist_ok=True)
    return {**write_dit(out), **write_umt5(out), **write_taehv(out)}
