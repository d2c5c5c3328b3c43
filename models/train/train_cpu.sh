#!/usr/bin/env bash
# zoetrope-s on this machine's CPU, one stage at a time, resuming wherever the last run stopped.
#
#   bash models/train/train_cpu.sh vae     # the VAE, until its step target
#   bash models/train/train_cpu.sh cache   # render + encode world clips into the latent cache
#   bash models/train/train_cpu.sh cache-small   # the same at 128 px, for a low-resolution phase
#   bash models/train/train_cpu.sh dit     # text encoder + DiT on the cache
#   bash models/train/train_cpu.sh bench   # a DiT step's share of the matmul rate, world frames/s
#
# Long stages belong in the background, so a closed terminal does not stop them:
#   setsid nohup bash models/train/train_cpu.sh vae > .cache/train/vae.log 2>&1 &
# Checkpoints (weights + optimizer state, every 5 minutes, written atomically) go to .cache/train/<stage>/;
# kill a stage at any moment and run the same command again to resume it. The step targets and the
# schedules below are the plan of models/train/README.md (the budget table).
set -euo pipefail
cd "$(dirname "$0")/../.."
STATE=.cache/train
mkdir -p "$STATE"

# The Python to train with: the one on PATH when it has PyTorch 2 (measured 2.6x faster than Debian's
# 1.13 + OpenBLAS on a DiT step here: README's table), else Debian's, which then needs OpenBLAS (its
# default reference BLAS runs f32 matmuls at ~3-7 GFLOP/s).
pick_python() {
  if python3 -c 'import sys, torch; sys.exit(int(torch.__version__.split(".")[0]) < 2)' 2>/dev/null; then
    echo python3
    return
  fi
  if ! ldconfig -p | grep -q libopenblas; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "Installing OpenBLAS for Debian's PyTorch (f32 matmuls ~20x faster)" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenblas0-pthread >&2
    else
      echo "Debian's PyTorch needs OpenBLAS to train at a useful speed: sudo apt-get install -y libopenblas0-pthread" >&2
      exit 1
    fi
  fi
  echo /usr/bin/python3
}
PY=$(pick_python)
resume_if_there() { if [ -d "$STATE/$1" ] || [ -d "$STATE/$1.old" ]; then echo --resume "$STATE/$1"; fi; }
# The checkpoint gone (a fresh machine): start again from the weights committed at the last stop.
vae_start() {
  local from; from=$(resume_if_there vae)
  if [ -z "$from" ] && [ -f models/zoetrope-s/vae.safetensors ]; then from="--init-weights models/zoetrope-s/vae.safetensors"; fi
  echo $from
}

case "${1:-}" in
  vae)
    # 16 crops of 128² a step (4 clips x 2 frames x 2 crops); the cosine decay ends with the run.
    # Step target 9000: at 6000 the held-out PSNR projected to ~30-31 dB, short of the 32 dB target.
    exec "$PY" models/train/train_vae.py --config zoetrope-s --out "$STATE/vae" $(vae_start) \
      --steps 9000 --lr 3e-4 --batch 8 --frames 2 --crop 128 --crops-per-frame 2 --compile --warmup 200 --decay-start 2500 --decay-end 9000 \
      --ckpt-minutes 5 --log-every 50 --eval-clips 8 ;;
  cache)
    # 256 px clips; the latent scale is measured and folded into the VAE copy in latents/vae/.
    exec "$PY" models/train/latent_cache.py --config zoetrope-s --vae "$STATE/vae" --out "$STATE/latents" \
      --shards "${SHARDS:-300}" --clips-per-shard 32 --frames 8 ;;
  cache-small)
    # 128 px clips (64 tokens a window) for a low-resolution phase; other scenes (seed 1), same folded VAE.
    exec "$PY" models/train/latent_cache.py --config zoetrope-s --vae "$STATE/latents/vae" --out "$STATE/latents-128" \
      --shards "${SHARDS:-600}" --clips-per-shard 32 --frames 8 --scale 0.5 --seed 1 ;;
  dit)
    exec "$PY" models/train/train_dit.py --config zoetrope-s --latent-cache "$STATE/latents" --out "$STATE/dit" \
      $(resume_if_there dit) --steps "${STEPS:-5200}" --batch 16 --lr 3e-4 --warmup 300 \
      --decay-start "${DECAY_START:-3000}" --decay-end "${STEPS:-5200}" --ckpt-minutes 5 --log-every 50 ;;
  bench)
    exec "$PY" models/train/bench_step.py --config zoetrope-s ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2 ;;
esac
