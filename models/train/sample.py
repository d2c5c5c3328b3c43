"""The engine's samplers in PyTorch: same σ schedule, timesteps, updates, masks and noise as the browser.

Twin of src/sampler/schedule.ts, generate_window.ts, generate_clip.ts and shaders/sampler.wgsl:
  σ_k = shift·u / (1 + (shift − 1)·u), u = 1 − k/steps;   the DiT's timestep t = 1000·σ_k (f32)
  x = noise(seed, stream s₀)                                 s₀ = w·(steps + 1) for window w of a clip
  few-step (shipped, 4 steps):  x ← (1 − σ_{k+1})·(x − σ_k·v) + σ_{k+1}·noise(seed, s₀ + k + 1)
  euler (32-step reference):   x ← x + (σ_{k+1} − σ_k)·v
  after every step x = clean where mask = 1 (given frames: the previous window's last latents)
  a window after g context frames ends with the seam blend when the config names one
  (chunk.seam_blend_sigma; shaders/seam_blend.wgsl): D = blur_σ(x[g−1] − x[g]),
  x[j] += (F − j)/(F − g)·D for the generated frames j ≥ g
Noise is the RNG twin's (rng_fast.py = rng.py = src/sampler/rng.ts), so a (seed, prompt) gives the
browser's clip. Classifier-free guidance (reference only: the shipped model runs without it) is
v = v(∅) + w·(v(text) − v(∅)) with ∅ the empty prompt ([EOS] alone).
Latents here are the VAE's own latents: the latent normalisation is folded into the VAE weights
(latent_scale.py), so the engine's latents and these are the same numbers.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

from make_tiny import tokenize
from rng_fast import noise as rng_noise

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def shift_sigma(sigma, shift):
    return shift * sigma / (1 + (shift - 1) * sigma)


def sigma_schedule(steps, shift):
    """steps + 1 values from 1 down to 0 (float64), as schedule.ts's sigmaSchedule."""
    return [shift_sigma(1 - i / steps, shift) for i in range(steps + 1)]


def load_tokenizer(cfg, path=None):
    """The model's tokenizer.json: models/<config name>/tokenizer.json unless a path is given."""
    with open(path or os.path.join(ROOT, 'models', cfg['name'], 'tokenizer.json'), 'r', encoding='utf-8') as f:
        return json.load(f)


def encode_prompts(tok, prompts, text_len, device='cpu'):
    """(ids, mask): each (B, text_len) long, as the TS tokenizer makes them."""
    pairs = [tokenize(tok, p, text_len) for p in prompts]
    ids = torch.tensor([p[0] for p in pairs], dtype=torch.long, device=device)
    mask = torch.tensor([p[1] for p in pairs], dtype=torch.long, device=device)
    return ids, mask


def text_context(te, ids, mask):
    """The DiT's context (B, text_len, dim): encoder output with padded positions set to 0 (pad_text)."""
    return te(ids, mask) * mask[..., None].to(torch.float32)


def velocity(dit, x, clean, mask, sigma, context, null_context=None, cfg_scale=1.0):
    """v at σ (a float): t = 1000·σ rounded to f32 as the engine's writeBuffer does."""
    t = torch.full((x.shape[0],), float(torch.tensor(1000.0 * sigma, dtype=torch.float32)), device=x.device)
    v = dit(x, clean, mask, t, context)
    if null_context is not None and cfg_scale != 1.0:
        v_null = dit(x, clean, mask, t, null_context)
        v = v_null + cfg_scale * (v - v_null)
    return v


def keep_given(x, clean, mask):
    """x = clean where the mask (broadcast over channels) is 1."""
    return torch.where(mask == 1, clean, x)


def few_step_update(x, v, sigma, sigma_next, noise, clean, mask):
    """shaders/sampler.wgsl few_step, in f32: predict x0, re-noise it to σ_next with fresh noise."""
    s, sn = (torch.tensor(a, dtype=torch.float32, device=x.device) for a in (sigma, sigma_next))
    x0 = x - s * v
    return keep_given((1 - sn) * x0 + sn * noise, clean, mask)


def euler_update(x, v, sigma, sigma_next, clean, mask):
    """shaders/sampler.wgsl euler, in f32: one Euler step of the flow ODE."""
    dt = torch.tensor(sigma_next, dtype=torch.float32) - torch.tensor(sigma, dtype=torch.float32)
    return keep_given(x + dt.to(x.device) * v, clean, mask)


def gaussian_blur(x, sigma):
    """x (..., H, W) blurred over its last two dims: normalised Gaussian taps, radius ⌈3σ⌉, edges clamped."""
    radius = max(1, math.ceil(3 * sigma))
    taps = torch.exp(-torch.arange(-radius, radius + 1, dtype=torch.float64) ** 2 / (2 * sigma * sigma))
    taps = (taps / taps.sum()).to(x.dtype).to(x.device)
    flat = x.reshape(-1, 1, *x.shape[-2:])
    flat = F.conv2d(F.pad(flat, (radius, radius, 0, 0), mode='replicate'), taps.view(1, 1, 1, -1))
    flat = F.conv2d(F.pad(flat, (0, 0, radius, radius), mode='replicate'), taps.view(1, 1, -1, 1))
    return flat.reshape(x.shape)


def blend_seam(x, mask, context_frames, sigma):
    """shaders/seam_blend.wgsl: the low frequencies of the step from the last context frame to the
    first generated one, handed over across the window. x (B, C, F, H, W); mask (B, 1, F, H, W)."""
    frames = x.shape[2]
    g = context_frames
    if not (sigma > 0 and 1 <= g < frames):
        return x
    offset = gaussian_blur(x[:, :, g - 1] - x[:, :, g], sigma)                     # (B, C, H, W)
    weights = torch.tensor([(frames - j) / (frames - g) if j >= g else 0.0 for j in range(frames)],
                           dtype=x.dtype, device=x.device).view(1, 1, frames, 1, 1)
    return x + weights * (1 - mask) * offset[:, :, None]


def window_noise(seeds, stream, shape, device):
    """(B, C, F, H, W) f32: sample b draws noise(seeds[b], stream) of shape (C, F, H, W)."""
    return torch.stack([torch.from_numpy(rng_noise(shape, s, stream)) for s in seeds]).to(device)


@torch.no_grad()
def sample_window(models, cfg, tok, prompts, seeds, frames, height, width, steps=None, solver='few-step',
                  cfg_scale=1.0, context=None, context_frames=0, first_stream=0, given=None):
    """Latents (B, C, F, H, W) of one window, as generateWindow makes them.

    prompts, seeds: one per sample. height, width: latent size. context: the previous window's clean
    latents (B, C, F', H, W); its last `context_frames` frames become this window's first frames.
    given: optional (latents (B, C, F, H, W), mask (B, 1, F, H, W)) for image-to-video and
    in-betweening (not yet in the engine; same mechanism)."""
    te, dit = models['text_encoder'], models['dit']
    device = next(dit.parameters()).device
    steps = steps or cfg['sampler']['steps']
    sigmas = sigma_schedule(steps, cfg['sampler']['shift'])
    c, b = cfg['dit']['in_channels'], len(prompts)
    shape = (c, frames, height, width)
    ids, tmask = encode_prompts(tok, prompts, cfg['text_encoder']['text_len'], device)
    text = text_context(te, ids, tmask)
    null = None
    if cfg_scale != 1.0:
        nids, nmask = encode_prompts(tok, [''] * b, cfg['text_encoder']['text_len'], device)
        null = text_context(te, nids, nmask)

    clean = torch.zeros(b, *shape, device=device)
    mask = torch.zeros(b, 1, frames, height, width, device=device)
    if context is not None and context_frames > 0:
        n = min(context_frames, frames)
        clean[:, :, :n] = context[:, :, -n:]
        mask[:, :, :n] = 1.0
    if given is not None:
        clean = torch.where(given[1] == 1, given[0], clean)
        mask = torch.maximum(mask, given[1])
    clean = clean * mask                                              # the engine's cleanMasked buffer

    x = window_noise(seeds, first_stream, shape, device)            # σ_0 = 1: given frames too (as the engine)
    for k in range(steps):
        v = velocity(dit, x, clean, mask, sigmas[k], text, null, cfg_scale)
        if solver == 'few-step':
            fresh = window_noise(seeds, first_stream + k + 1, shape, device) if sigmas[k + 1] > 0 else torch.zeros_like(x)
            x = few_step_update(x, v, sigmas[k], sigmas[k + 1], fresh, clean, mask)
        elif solver == 'euler':
            x = euler_update(x, v, sigmas[k], sigmas[k + 1], clean, mask)
        else:
            raise ValueError(f'unknown solver {solver!r}')
    if context is not None and context_frames > 0:
        x = blend_seam(x, mask, min(context_frames, frames), cfg['chunk'].get('seam_blend_sigma', 0))
    return x


def window_plan(seconds, fps, window_frames, context_frames):
    """(windows, frames) exactly as generate_clip.ts's windowPlan."""
    frames = max(1, round_half_up(seconds * fps))
    fresh = window_frames - context_frames
    return 1 + max(0, math.ceil((frames - window_frames) / fresh)), frames


def round_half_up(x):
    return math.floor(x + 0.5)                                        # JavaScript's Math.round


@torch.no_grad()
def sample_clip(models, cfg, tok, prompts, seeds, seconds, bucket, steps=None, solver='few-step', cfg_scale=1.0,
                decode=True, on_window=None):
    """A clip of `seconds`, window after window by the chunk contract; returns video (B, 3, frames, H, W)
    in [-1, 1] (or the latents when decode=False). Memory stays one window's worth on the device."""
    vae = models['vae']
    lat, chunk = cfg['latent'], cfg['chunk']
    steps = steps or cfg['sampler']['steps']
    height, width = (s // lat['spatial_factor'] for s in bucket)
    windows, total = window_plan(seconds, lat['frame_rate'], chunk['latent_frames'], chunk['context_latent_frames'])
    previous, pieces = None, []
    for w in range(windows):
        latents = sample_window(models, cfg, tok, prompts, seeds, chunk['latent_frames'], height, width, steps, solver,
                                cfg_scale, previous, chunk['context_latent_frames'] if previous is not None else 0,
                                first_stream=w * (steps + 1))
        fresh = latents if w == 0 else latents[:, :, chunk['context_latent_frames']:]
        pieces.append(vae.decode(fresh).clamp(-1, 1).cpu() if decode else fresh.cpu())
        if on_window:
            on_window(w, windows)
        previous = latents
    return torch.cat(pieces, dim=2)[:, :, :total]
