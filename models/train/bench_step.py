"""How fast a DiT training step runs on this machine, as a share of its own matmul rate.

    python3 models/train/bench_step.py [--config zoetrope-s] [--batch 16] [--steps 6]

Side by side in one process: probe_cpu()'s f32 and bf16 matmul GFLOP/s (1024³), then training steps of
text encoder + DiT (AdamW, the chosen precision) on one 1:1 window of the config; the step's FLOP
are counted by torch.utils.flop_counter (forward and backward of every matmul, linear and attention;
elementwise work not counted), so the ratio is counted FLOP per second over the best matmul rate.
Also times the world renderer and the VAE encoder per 256² frame. Prints one JSON object.
"""
import argparse
import json
import sys
import time

import torch

from config import load_config
from model import DiT, TextEncoder, VAE
from train_common import adamw, autocast, ensure_path, probe_cpu

ensure_path()


def step_inputs(cfg, batch, g):
    dit, lat, te = cfg['dit'], cfg['latent'], cfg['text_encoder']
    h, w = (s // lat['spatial_factor'] for s in lat['aspect_buckets']['1:1'])
    f = cfg['chunk']['latent_frames']
    x = torch.randn(batch, dit['in_channels'], f, h, w, generator=g)
    mask = torch.zeros(batch, 1, f, h, w)
    mask[:, :, 0] = 1
    ids = torch.randint(3, 200, (batch, te['text_len']), generator=g)
    tmask = torch.arange(te['text_len'])[None, :] < 24                    # a typical caption's length
    return x, mask, ids, tmask.expand(batch, -1)


def time_dit_step(cfg, batch, steps, compile_model=False, flops=None):
    from sample import text_context
    g = torch.Generator().manual_seed(0)
    te, dit = TextEncoder(cfg['text_encoder']), DiT(cfg['dit'])
    params = list(te.parameters()) + list(dit.parameters())
    opt = adamw(params, lr=1e-4)
    if compile_model:
        te, dit = torch.compile(te), torch.compile(dit)
    x, mask, ids, tmask = step_inputs(cfg, batch, g)
    t = torch.full((batch,), 500.0)

    def step():
        with autocast(torch.device('cpu')):
            v = dit(x, x * mask, mask, t, text_context(te, ids, tmask)).float()
        loss = v.pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    if compile_model:                # the FLOPs are the eager step's: the counter does not see inside a compiled graph
        step()                                                             # the first run compiles
    else:
        from torch.utils.flop_counter import FlopCounterMode
        counter = FlopCounterMode(display=False)
        with counter:
            step()
        flops = counter.get_total_flops()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    best = sorted(times)[len(times) // 2]                                  # median of the timed steps
    return {'batch': batch, 'tokens_per_clip': x.shape[2] * x.shape[3] * x.shape[4] // 4,
            'params_dit': sum(p.numel() for p in dit.parameters()), 'params_text_encoder': sum(p.numel() for p in te.parameters()),
            'step_s': round(best, 3), 'clips_per_s': round(batch / best, 2),
            'counted_gflop_per_step': round(flops / 1e9, 1), 'counted_gflops': round(flops / best / 1e9, 1)}


def time_world_and_vae(cfg, frames=16):
    from world import sample_batch
    g = torch.Generator().manual_seed(1)
    sample_batch(1, 256, 256, 2, 12.0, g)
    start = time.perf_counter()
    video, _, _ = sample_batch(4, 256, 256, frames // 4, 12.0, g)
    render_fps = frames / (time.perf_counter() - start)
    vae = VAE(cfg['vae']).eval()
    images = video.permute(0, 2, 1, 3, 4).reshape(-1, 3, 256, 256)
    with torch.no_grad():
        vae.encoder(images[:2])
        start = time.perf_counter()
        vae.encoder(images)
    return {'world_frames_per_s_256': round(render_fps, 1),
            'vae_encoder_frames_per_s_256': round(images.shape[0] / (time.perf_counter() - start), 1)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', default='zoetrope-s')
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--steps', type=int, default=6)
    p.add_argument('--compile', action='store_true', help='also time the step with torch.compile (side by side)')
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    cfg = load_config(args.config)
    result = {'cpu': probe_cpu()}
    result['dit_step'] = time_dit_step(cfg, args.batch, args.steps)
    best_rate = max(result['cpu']['f32_gflops'], result['cpu']['bf16_gflops'])
    result['dit_step']['share_of_matmul_rate'] = round(result['dit_step']['counted_gflops'] / best_rate, 3)
    if args.compile:
        eager = result['dit_step']['counted_gflop_per_step'] * 1e9
        compiled = time_dit_step(cfg, args.batch, args.steps, compile_model=True, flops=eager)
        compiled['share_of_matmul_rate'] = round(compiled['counted_gflops'] / best_rate, 3)
        result['dit_step_compiled'] = compiled
    result.update(time_world_and_vae(cfg))
    print(json.dumps(result, indent=1))
    return result


if __name__ == '__main__':
    main()
