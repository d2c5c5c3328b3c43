"""Load a model config (models/configs/<name>.json): the single source of hyperparameters.

The JSON is read as it is and handed around as plain dicts (the same object the TypeScript side
reads); `load_config` only checks the invariants the model code relies on, so a bad config fails
here with a message rather than deep inside a matmul.
"""
import json
import os

CONFIG_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'configs')


def config_path(name):
    return os.path.normpath(os.path.join(CONFIG_DIR, name + '.json'))


def load_config(name_or_path):
    """Load a config by name ('tiny-test') or by path and check it; returns the parsed dict."""
    path = name_or_path if name_or_path.endswith('.json') else config_path(name_or_path)
    with open(path, 'r', encoding='utf-8') as f:
        text = f.read()
    cfg = json.loads(text)
    check_config(cfg)
    return cfg


def read_config_text(name_or_path):
    """The config file's exact text (a manifest embeds the config verbatim)."""
    path = name_or_path if name_or_path.endswith('.json') else config_path(name_or_path)
    with open(path, 'r', encoding='utf-8') as f:
        return f.read()


def check_config(cfg):
    te, dit, vae, lat, chunk = cfg['text_encoder'], cfg['dit'], cfg['vae'], cfg['latent'], cfg['chunk']
    for part, name in ((te, 'text_encoder'), (dit, 'dit')):
        if part['head_dim'] not in (64, 128):
            raise ValueError(f'{name}.head_dim must be 64 or 128 (the attention kernel), got {part["head_dim"]}')
    if dit['num_heads'] * dit['head_dim'] != dit['dim']:
        raise ValueError('dit.num_heads * dit.head_dim must equal dit.dim')
    if dit['text_dim'] != te['dim']:
        raise ValueError('dit.text_dim must equal text_encoder.dim')
    if dit['text_len'] != te['text_len']:
        raise ValueError('dit.text_len must equal text_encoder.text_len')
    if tuple(dit['patch']) != (1, 2, 2):
        raise ValueError('dit.patch must be [1, 2, 2]')
    c = lat['channels']
    if not (dit['in_channels'] == dit['out_channels'] == vae['latent_channels'] == c):
        raise ValueError('dit.in_channels, dit.out_channels, vae.latent_channels and latent.channels must agree')
    if vae['spatial_factor'] != lat['spatial_factor'] or vae['temporal_factor'] != lat['temporal_factor']:
        raise ValueError('vae and latent spatial/temporal factors must agree')
    if vae['patch_size'] * 2 ** (len(vae['channel_mult']) - 1) != vae['spatial_factor']:
        raise ValueError('vae.spatial_factor must be patch_size * 2^(len(channel_mult) - 1)')
    step = lat['spatial_factor'] * dit['patch'][1]
    for bucket, (h, w) in lat['aspect_buckets'].items():
        if h % step or w % step:
            raise ValueError(f'aspect bucket {bucket} = {h}x{w} is not a multiple of {step}')
    if not 0 <= chunk['context_latent_frames'] < chunk['latent_frames']:
        raise ValueError('chunk.context_latent_frames must be in [0, latent_frames)')
    seam = chunk.get('seam_blend_sigma', 0)
    if isinstance(seam, bool) or not isinstance(seam, (int, float)) or not 0 <= seam <= 8:
        raise ValueError('chunk.seam_blend_sigma, when given, must be a number from 0 to 8 (latent pixels)')


def patch_in_channels(dit_cfg):
    """Channels into patch_embedding: noisy + clean given latents + 1 mask channel (DESIGN.md)."""
    c = dit_cfg['in_channels']
    return 2 * c + 1 if dit_cfg.get('masked_frame_input', False) else c
