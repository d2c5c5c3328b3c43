#!/usr/bin/env bash
# zoetrope-s on this machine's CPU, one stage at a time, resuming wherever the last run stopped.
#
#   bash models/train/train_cpu.sh vae     # the VAE, until its step target
#   bash models/train/train_cpu.sh cache   # render + encode world clips into the latent cache
#   bash models/train/train_cpu.sh cache-small   # the same at 128 px, for a low-resolution phase
#   bash models/train/train_cpu.sh dit     # text encoder + DiT on the cache
#   bash models/train/train_cpu.sh vae-decoder   # after cache: the decoder alone (encoder, so latents, frozen)
#   bash models/train/train_cpu.sh distill # after dit: the 4-step student on cached teacher trajectories
#   bash models/train/train_cpu.sh bench   # a DiT step's share of the matmul rate, world frames/s
#   bash models/train/train_cpu.sh snapshot   # a session's end: the DiT checkpoint exported and judged
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
# The same for the DiT: the text encoder and DiT last committed, from the step their manifest records.
dit_start() {
  local from; from=$(resume_if_there dit)
  if [ -z "$from" ] && grep -q '"stage": "dit"' models/zoetrope-s/manifest.json 2>/dev/null; then from="--init-weights models/zoetrope-s"; fi
  echo $from
}

case "${1:-}" in
  vae)
    # 16 crops of 128² a step (4 clips x 2 frames x 2 crops); the cosine decay ends with the run.
    # Step target 5800: from step 2615 to 4140 (1.1 machine-hours at lr ~2.7e-4) held-out PSNR rose only 28.4 -> 29.2 dB, so the
    # decay was brought forward to anneal what this encoder can do; it is frozen after this (the DiT's latents).
    # The decoder alone can be trained on after that (the latents do not change): stage vae-decoder.
    exec "$PY" models/train/train_vae.py --config zoetrope-s --out "$STATE/vae" $(vae_start) \
      --steps 5800 --lr 3e-4 --batch 8 --frames 2 --crop 128 --crops-per-frame 2 --compile --warmup 200 --decay-start 2500 --decay-end 5800 \
      --ckpt-minutes 5 --log-every 50 --eval-clips 8 ;;
  vae-decoder)
    # The decoder alone, from the folded VAE the latent cache was made with: the latents (and the DiT
    # trained on them) do not change while the reconstructions sharpen. Export .cache/train/vae-decoder.
    # 3000 steps at ~0.32 s (bf16 machine): ~16 minutes, lr flat for half, then decayed.
    from=$(resume_if_there vae-decoder)
    if [ -z "$from" ]; then from="--init-weights $STATE/latents/vae"; fi
    exec "$PY" models/train/train_vae.py --config zoetrope-s --out "$STATE/vae-decoder" $from --decoder-only \
      --steps "${STEPS:-3000}" --lr 1e-4 --batch 8 --frames 2 --crop 128 --crops-per-frame 2 --compile --warmup 100 \
      --decay-start "$(( ${STEPS:-3000} / 2 ))" --decay-end "${STEPS:-3000}" --ckpt-minutes 5 --log-every 50 --eval-clips 8 ;;
  cache)
    # 256 px clips, encoded by the VAE copy in latents/vae/. A new cache takes the shipped VAE (its
    # latent scale folded in at export), so the cache and the app's encoder always agree; only before
    # a VAE ships is the training checkpoint's scale measured and folded here.
    vae_for_cache="$STATE/vae"; if [ -f models/zoetrope-s/vae.safetensors ]; then vae_for_cache=models/zoetrope-s/vae.safetensors; fi
    exec "$PY" models/train/latent_cache.py --config zoetrope-s --vae "$vae_for_cache" --out "$STATE/latents" \
      --shards "${SHARDS:-150}" --clips-per-shard 32 --frames 8 ;;
  cache-small)
    # 128 px clips (64 tokens a window) for a low-resolution phase; other scenes (seed 1), same folded VAE.
    exec "$PY" models/train/latent_cache.py --config zoetrope-s --vae "$STATE/latents/vae" --out "$STATE/latents-128" \
      --shards "${SHARDS:-400}" --clips-per-shard 32 --frames 8 --scale 0.5 --seed 1 ;;
  dit)
    # A low-resolution phase first (128 px clips, 64 tokens a window, 32 a step) while the learning rate
    # is flat, then the 256 px clips (16 a step) while it decays: the budget table's plan. The 128 px
    # phase trains at σ shift 2.5 (SD3's shift ∝ √tokens: a quarter of the tokens), from step ~1150;
    # before that it ran at the config's 5, which left 36 % of its draws at σ > 0.9 and no objects formed.
    # The phase ended at step 2898, when training moved to a CPU with AVX512-BF16 (a 256 px step 3.4x
    # faster: README's table); so the 128 px cache is only read when it is there and the phase not over.
    small=(--small-steps "${SMALL_STEPS:-2898}" --small-batch 32 --small-shift 2.5)
    if [ -d "$STATE/latents-128" ]; then small+=(--small-cache "$STATE/latents-128"); fi
    exec "$PY" models/train/train_dit.py --config zoetrope-s --latent-cache "$STATE/latents" --out "$STATE/dit" \
      "${small[@]}" $(dit_start) --steps "${STEPS:-9000}" --batch 16 --lr 3e-4 --warmup 300 --compile \
      --decay-start "${DECAY_START:-7000}" --decay-end "${STEPS:-9000}" --ckpt-minutes 5 --log-every 50 ;;
  distill)
    # The shipped 4-step sampler (few_step_distill.py): a student regressed on the finished DiT's ODE
    # trajectories at 256 px (16 Euler steps, CFG 3). Each of the TRAJECTORIES teacher batches is
    # computed once into trajectories/ and read back in later epochs.
    from=$(resume_if_there distill)
    exec "$PY" models/train/few_step_distill.py --config zoetrope-s --teacher "$STATE/dit" --latent-cache "$STATE/latents" \
      --out "$STATE/distill" $from --teacher-steps "${TEACHER_STEPS:-16}" --cfg 3 --trajectories "$STATE/trajectories" \
      --trajectory-batches "${TRAJECTORIES:-150}" --steps "${STEPS:-600}" --batch 12 --lr 1e-4 --warmup 50 \
      --decay-start "$(( ${STEPS:-600} / 2 ))" --decay-end "${STEPS:-600}" --ckpt-minutes 5 --log-every 25 ;;
  bench)
    exec "$PY" models/train/bench_step.py --config zoetrope-s ;;
  snapshot)
    # Stop the dit stage first (kill -TERM: it saves the step under way). Its checkpoint goes to
    # models/zoetrope-s/ as the app loads it, and a quick judge run appends a learning-curve row
    # to metrics.json; commit both. The ONNX export needs Debian's PyTorch (what the tests use).
    # The decoder trained on alone (stage vae-decoder), when there is one, replaces the checkpoint's.
    vae=(); if [ -d "$STATE/vae-decoder" ]; then vae=(--vae "$STATE/vae-decoder"); fi
    /usr/bin/python3 models/train/export_zoetrope_s.py "$STATE/dit" "${vae[@]}"
    exec "$PY" models/train/judge_checkpoint.py "$STATE/dit" --prompts "${PROMPTS:-12}" \
      --curve models/zoetrope-s/metrics.json --out "$STATE/judged/step-$(date +%Y%m%d-%H%M)" ;;
  *)
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2 ;;
esac
