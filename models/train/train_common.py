"""What every training stage shares: device and precision, per-step seeding, the time budget, the
learning-rate schedule, the optimizer and the log.

Reproducibility is per step, not per run: step k draws its data and noise from a generator seeded
by (seed, k) alone, so a stage resumed from a checkpoint written after step k draws exactly the
batches the uninterrupted run would have drawn (test_train_*.py check it).
"""
import contextlib
import json
import math
import os
import signal
import sys
import time

import torch
import torch.nn.functional as F

import dit as dit_module


def pick_device(name=None):
    if name:
        return torch.device(name)
    return torch.device('cuda' if torch.cuda.is_available() else 'cpu')


# The CPU's precision, chosen once per process by probe_cpu() from a measured matmul rate.
CPU_PRECISION = {'dtype': 'f32', 'probe': None}


def probe_cpu(seconds=1.0, n=1024):
    """Threads = cores, then f32 and bf16 matmul GFLOP/s on this CPU (n³, about `seconds` each);
    bf16 autocast is used on the CPU only when it measures faster. Why measure: on a CPU with
    AVX512-BF16 oneDNN runs bf16 matmuls ~10x faster than f32 (650 vs 65 GFLOP/s on 2 cores, see
    platform-notes.md); on one without it (the AMD EPYC with AVX2 only of 2026-12-05) bf16 ran at
    0.2-9 GFLOP/s against 65 for f32, so autocast would make training ~10x slower."""
    torch.set_num_threads(os.cpu_count() or 1)
    # Denormal floats flushed to zero: gradients and Adam moments of the DiT's zero-initialised gates
    # fall into that range, where x86 arithmetic is ~6-35x slower (clip_grad_norm_ on 13 M floats of
    # ~1e-21: 0.86 s, 0.024 s flushed; py-spy found it ~20 % of a 256 px step). Training loses nothing.
    torch.set_flush_denormal(True)
    rates = {name: matmul_gflops(dtype, n, seconds) for name, dtype in (('f32', torch.float32), ('bf16', torch.bfloat16))}
    CPU_PRECISION['dtype'] = 'bf16' if rates['bf16'] > 1.2 * rates['f32'] else 'f32'
    CPU_PRECISION['probe'] = {'threads': torch.get_num_threads(), 'torch': torch.__version__,
                              'f32_gflops': round(rates['f32'], 1), 'bf16_gflops': round(rates['bf16'], 1),
                              'chosen': CPU_PRECISION['dtype']}
    return CPU_PRECISION['probe']


def matmul_gflops(dtype, n, seconds):
    a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)
    a @ b                                                                # warm-up (oneDNN builds its kernels)
    reps, start = 0, time.perf_counter()
    while True:
        a @ b
        reps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds or (reps >= 1 and elapsed > 0.25 and 2 * n ** 3 * reps / elapsed < 5e9):
            return 2 * n ** 3 * reps / elapsed / 1e9                    # (a slow path is not timed for long)


def autocast(device):
    """bf16 autocast on CUDA (norms, softmax and the residual stream stay f32 inside the model); on
    the CPU, bf16 only where probe_cpu() measured it faster than f32, else plain f32."""
    if device.type == 'cuda':
        return torch.autocast('cuda', dtype=torch.bfloat16)
    if CPU_PRECISION['dtype'] == 'bf16':
        return torch.autocast('cpu', dtype=torch.bfloat16)
    return contextlib.nullcontext()


def step_generator(seed, step):
    """The generator of step `step`: a function of (seed, step) only. On the CPU, because the world
    draws its scenes from a CPU generator and so that a step's draws are the same on any device;
    tensors are drawn here and moved (a few MB per step)."""
    g = torch.Generator()
    g.manual_seed((seed * 1_000_003 + step) % (2 ** 63))
    return g


def use_fused_attention():
    """On PyTorch 2 (the GPU machine), DiT attention through scaled_dot_product_attention (flash
    attention; the same function as dit.attention, without the (L, L) score matrix in memory)."""
    if not hasattr(F, 'scaled_dot_product_attention'):
        return False

    def attention(q, k, v):
        b, lq, n, d = q.shape
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))              # (B, heads, L, d)
        dtype = torch.bfloat16 if torch.is_autocast_enabled() else v.dtype
        y = F.scaled_dot_product_attention(q.to(dtype), k.to(dtype), v.to(dtype))
        return y.transpose(1, 2).reshape(b, lq, n * d)

    dit_module.attention = attention
    return True


class StopOnSignal:
    """SIGTERM or SIGINT asks the loop to stop after the step under way (and save it), so a session
    ending can stop training at an exact step instead of losing up to --ckpt-minutes of it."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __enter__(self):
        self.requested = False
        self.before = {sig: signal.signal(sig, self.request) for sig in self.SIGNALS}
        return self

    def __exit__(self, *exc):
        for sig, handler in self.before.items():
            signal.signal(sig, handler)

    def request(self, signum, frame):
        self.requested = True


class Budget:
    """Stops a stage before its time is up: a stage must end (checkpoint written) inside its
    `minutes`, so the next step is only started when its measured length still fits, twice over."""

    def __init__(self, minutes, reserve_s=20.0):
        self.start = time.monotonic()
        self.limit = None if minutes is None else minutes * 60.0
        self.reserve = reserve_s
        self.longest = 0.0

    def elapsed(self):
        return time.monotonic() - self.start

    def record(self, seconds):
        self.longest = max(self.longest, seconds)

    def another_step_fits(self):
        if self.limit is None:
            return True
        return self.elapsed() + 2 * self.longest + self.reserve < self.limit


def learning_rate(step, base, warmup, start_step=0, decay_start=None, decay_end=None, floor=0.1):
    """Linear warm-up over `warmup` steps from the stage's first step (Adam's moments restart with
    each stage), then constant; from decay_start to decay_end a cosine down to floor·base."""
    lr = base * min(1.0, (step - start_step + 1) / max(1, warmup))
    if decay_start is not None and decay_end is not None and step >= decay_start:
        frac = min(1.0, (step - decay_start) / max(1, decay_end - decay_start))
        lr *= floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * frac))
    return lr


def adamw(params, lr, weight_decay=0.0, betas=(0.9, 0.99)):
    params = [p for p in params if p.requires_grad]
    # Fused where this PyTorch has it for the parameters' device: CUDA, and the CPU from PyTorch 2.4
    # (Debian's 1.13 refuses it on the CPU, so it falls back to the default loop there).
    if 'fused' in torch.optim.AdamW.__init__.__code__.co_varnames:
        try:
            return torch.optim.AdamW(params, lr=lr, betas=betas, weight_decay=weight_decay, fused=True)
        except RuntimeError:
            pass
    return torch.optim.AdamW(params, lr=lr, betas=betas, weight_decay=weight_decay)


class Log:
    """One JSON object per line in <out>/log.jsonl, and a short line on stdout."""

    def __init__(self, out_dir, quiet=False):
        self.path = os.path.join(out_dir, 'log.jsonl') if out_dir else None
        self.quiet = quiet
        if self.path:
            os.makedirs(out_dir, exist_ok=True)

    def __call__(self, **record):
        if self.path:
            with open(self.path, 'a') as f:
                f.write(json.dumps(record, sort_keys=True) + '\n')
        if not self.quiet:
            print(' '.join(f'{k}={v:.5g}' if isinstance(v, float) else f'{k}={v}' for k, v in record.items()),
                  flush=True)


def add_stage_args(parser):
    """Arguments every stage takes."""
    parser.add_argument('--config', default='zoetrope-s')
    parser.add_argument('--out', required=True, help='folder for the checkpoint and log.jsonl ($OUT/<stage>)')
    parser.add_argument('--resume', help='checkpoint folder to start from')
    parser.add_argument('--minutes', type=float, default=None, help='time budget; the stage stops itself inside it')
    parser.add_argument('--steps', type=int, default=None, help='stop after this global step')
    parser.add_argument('--ckpt-every', type=int, default=500)
    parser.add_argument('--ckpt-minutes', type=float, default=5.0, help='also checkpoint after this much wall-clock time')
    parser.add_argument('--log-every', type=int, default=25)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default=None)
    parser.add_argument('--lr', type=float, default=None)
    parser.add_argument('--warmup', type=int, default=100)
    parser.add_argument('--decay-start', type=int, default=None, help='global step where the cosine decay starts')
    parser.add_argument('--decay-end', type=int, default=None)
    parser.add_argument('--quiet', action='store_true')
    return parser


def run_loop(trainer, args, log, save):
    """The stage loop shared by every trainer: steps from the resumed step until --steps or the
    budget or a SIGTERM/SIGINT; a checkpoint every --ckpt-every steps, every --ckpt-minutes of
    wall-clock time (so a run killed at any moment loses at most that much) and at the end. Returns
    a summary dict.

    The learning rate is a function of the global step: its warm-up counts from the trainer's
    `warmup_from` (0 when the optimizer's state was restored, so a resumed run continues the
    schedule an uninterrupted one would have followed; the resumed step otherwise)."""
    with StopOnSignal() as stop:
        return _loop(trainer, args, log, save, stop)


def _loop(trainer, args, log, save, stop):
    budget = Budget(args.minutes)
    step = trainer.start_step
    first = step
    warmup_from = getattr(trainer, 'warmup_from', first)
    losses, since_log = [], []
    last_save = time.monotonic()
    while (args.steps is None or step < args.steps) and budget.another_step_fits() and not stop.requested:
        t0 = time.monotonic()
        lr = learning_rate(step, trainer.base_lr, args.warmup, warmup_from, args.decay_start, args.decay_end)
        metrics = trainer.step(step, lr)
        if not all(math.isfinite(v) for v in metrics.values()):
            raise FloatingPointError(f'step {step}: non-finite {metrics}')
        losses.append(metrics['loss'])
        since_log.append(metrics)
        step += 1
        budget.record(time.monotonic() - t0)
        if step % args.log_every == 0 or step == first + 1:
            log(step=step, lr=lr, s=round(budget.elapsed(), 1), **{k: float(v) for k, v in metrics.items()},
                **{f'{k}_mean': sum(m[k] for m in since_log) / len(since_log) for k in metrics})
            since_log = []                                                # one step's loss is too noisy for a trend
        due = args.ckpt_minutes and time.monotonic() - last_save >= 60 * args.ckpt_minutes
        if (args.ckpt_every and step % args.ckpt_every == 0) or due:
            trainer.run_seconds = budget.elapsed()                      # machine time, for the checkpoint's meta
            save(step)
            last_save = time.monotonic()
    trainer.run_seconds = budget.elapsed()
    save(step)
    summary = {'first_step': first, 'last_step': step, 'seconds': round(budget.elapsed(), 1),
               'loss_first': losses[0] if losses else None,
               'loss_last_mean': sum(losses[-20:]) / len(losses[-20:]) if losses else None}
    extra = trainer.evaluate() if hasattr(trainer, 'evaluate') else {}
    summary.update(extra)
    log(event='end', **summary)
    return summary


def ensure_path():
    """models/train on sys.path (for `from world import sample_batch`, whatever the working dir)."""
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)
