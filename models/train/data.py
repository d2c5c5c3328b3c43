"""Training batches from the procedural world (models/train/world): clips per aspect bucket, prompts
as token ids, masked-frame conditioning, and latents from the frozen VAE.

Buckets take turns step by step (a batch has one shape); a bucket's batch size shrinks with its area
so every step costs about the same. Clips are rendered on the training device, on the fly.
"""
import torch

from sample import encode_prompts, text_context
from train_common import ensure_path
from vae import batch_to_frames, frames_to_batch

ensure_path()

# Masked-frame conditioning (DESIGN.md): which latent frames are given clean.
# none: text-to-video; first: image-to-video; last / first_last: extension backwards, in-betweening;
# context: the first chunk.context_latent_frames, as every later window of a long clip gets them.
MASK_MODES = ('none', 'first', 'last', 'first_last', 'context')
MASK_PROBS = (0.40, 0.15, 0.10, 0.10, 0.25)


def buckets(cfg):
    """[(name, (height, width))] in the config's order."""
    return [(name, tuple(hw)) for name, hw in cfg['latent']['aspect_buckets'].items()]


def bucket_at(cfg, step):
    return buckets(cfg)[step % len(buckets(cfg))]


def batch_size_for(cfg, bucket_hw, base_batch):
    """base_batch clips for the smallest bucket, fewer for larger ones (same pixels per step)."""
    smallest = min(h * w for _, (h, w) in buckets(cfg))
    return max(1, int(base_batch * smallest / (bucket_hw[0] * bucket_hw[1])))


def world_clips(cfg, batch, bucket_hw, frames, generator, device, split='train'):
    """(video (B, 3, F, H, W) in [-1, 1] on `device`, captions) from the world."""
    from world import sample_batch
    h, w = bucket_hw
    video, captions, _ = sample_batch(batch, h, w, frames, cfg['latent']['frame_rate'], generator,
                                      device=str(device), split=split)
    return video.to(device=device, dtype=torch.float32), list(captions)


def drop_captions(captions, p, generator):
    """Text dropout: each caption replaced by '' with probability p (the null prompt of CFG)."""
    if p <= 0:
        return list(captions)
    u = torch.rand(len(captions), generator=generator)
    return ['' if float(x) < p else c for c, x in zip(captions, u)]


def frame_mask(mode, frames, context_frames):
    """(F,) float: 1 on the given latent frames of a mask mode."""
    m = torch.zeros(frames)
    if mode == 'first':
        m[0] = 1
    elif mode == 'last':
        m[-1] = 1
    elif mode == 'first_last':
        m[0] = 1
        if frames > 2:                                    # with 2 frames both given would leave none to learn
            m[-1] = 1
    elif mode == 'context':
        m[:context_frames] = 1
    elif mode != 'none':
        raise ValueError(f'unknown mask mode {mode!r}')
    return m


def sample_masks(batch, frames, height, width, context_frames, generator, device, probs=MASK_PROBS):
    """(mask (B, 1, F, H, W) float on device, [mode per sample])."""
    idx = torch.multinomial(torch.tensor(probs, dtype=torch.float32), batch, replacement=True, generator=generator)
    modes = [MASK_MODES[int(i)] for i in idx]
    rows = torch.stack([frame_mask(m, frames, context_frames) for m in modes])            # (B, F)
    mask = rows[:, None, :, None, None].expand(batch, 1, frames, height, width)
    return mask.to(device).contiguous(), modes


@torch.no_grad()
def encode(vae, video):
    """Latents (B, C, F, h, w): the VAE encoder's mean (the folded, normalised latents)."""
    c = vae.cfg['latent_channels']
    mean = vae.encoder(frames_to_batch(video))[:, :c]
    return batch_to_frames(mean.float(), video.shape[0])


def prompts_to_context_inputs(tok, captions, cfg, device):
    return encode_prompts(tok, captions, cfg['text_encoder']['text_len'], device)


__all__ = ['MASK_MODES', 'buckets', 'bucket_at', 'batch_size_for', 'world_clips', 'drop_captions', 'frame_mask',
           'sample_masks', 'encode', 'prompts_to_context_inputs', 'text_context']
