"""Latent normalisation, folded into the VAE's weights so the engine needs no extra step.

The DiT learns best on latents of unit scale, but the VAE's raw latents have whatever per-channel
scale training gave them. We measure each channel's RMS s_c over world clips of every bucket and
fold it into the VAE exactly (both ends are linear in the latent, and zero padding stays zero):
  encoder conv_out, mean rows:   W_c /= s_c, b_c /= s_c            mean' = mean / s
  encoder conv_out, logvar rows: b_c -= 2 ln s_c                    var'  = var / s²
  decoder conv_in, input channel c: W[:, c] *= s_c                  decoder'(z') = decoder(s·z')
A shift is not folded: the decoder's first conv pads with zeros, and zero would then stand for the
shift at the border, so only the scale is exact. The measured scales go into the VAE checkpoint's meta
('latent_scale', and 'latent_mean' after folding, for the record); the shipped vae.safetensors is
the folded VAE, so the browser's latents (DiT in, VAE decoder in) are the normalised ones.
"""
import torch

from vae import frames_to_batch


@torch.no_grad()
def measure(vae, clips):
    """Per-channel RMS and mean (each (C,), f64) of the encoder mean over an iterable of videos."""
    total, total_sq, count = None, None, 0
    for video in clips:
        mean = vae.encoder(frames_to_batch(video))[:, :vae.cfg['latent_channels']].double()   # (N, C, h, w)
        s, s2 = mean.sum(dim=(0, 2, 3)), mean.pow(2).sum(dim=(0, 2, 3))
        total = s if total is None else total + s
        total_sq = s2 if total_sq is None else total_sq + s2
        count += mean.numel() // mean.shape[1]
    return (total_sq / count).sqrt().cpu(), (total / count).cpu()


@torch.no_grad()
def fold(vae, scale):
    """Fold per-channel scales s (C,) into the VAE in place: its latents become latents / s."""
    c = vae.cfg['latent_channels']
    s = scale.to(torch.float32)
    conv_out, conv_in = vae.encoder.conv_out, vae.decoder.conv_in
    dev = conv_out.weight.device
    s = s.to(dev)
    conv_out.weight[:c] /= s[:, None, None, None]
    conv_out.bias[:c] /= s
    conv_out.bias[c:] -= 2 * torch.log(s)
    conv_in.weight *= s[None, :, None, None]


@torch.no_grad()
def measure_and_fold(cfg, vae, seed=0, batches=4, clips=16, device='cpu'):
    """Measure the scale on world clips of every bucket (`batches` batches each, clips shrinking with
    the bucket's area) and fold it in; returns the meta to record ('latent_scale', 'latent_mean')."""
    from data import batch_size_for, buckets, world_clips
    from train_common import step_generator
    videos = (world_clips(cfg, batch_size_for(cfg, hw, clips), hw, cfg['chunk']['latent_frames'],
                          step_generator(seed + 104729, i * 16 + j), device)[0]
              for i in range(batches) for j, (_, hw) in enumerate(buckets(cfg)))
    rms, mean = measure(vae, videos)
    fold(vae, rms)
    return {'latent_scale': [round(float(x), 6) for x in rms], 'latent_mean': [round(float(x), 6) for x in mean]}
