#!/usr/bin/env bash
# README's opening picture: clips made by the browser (the CLI runs the app in headless Chromium,
# WASM backend) on the bundled zoetrope-s, one per example prompt the page offers, tiled 3 × 2 into
# one looping GIF at half size, with the prompts written beside it in README.
#
#   bash scripts/readme_clips.sh            # writes models/zoetrope-s/samples/browser_clips.gif
#
# Seeds are 1 for every prompt (not picked). Needs ffmpeg; ~15 s a clip on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out=models/zoetrope-s/samples/browser_clips.gif
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

prompts=(
  'a red ball bounces on a sunset sky'
  'under a starry night sky, a golden bird rises'
  'a blue fish swims over the sea, pastel colours'
  'on the grass, a yellow star spins slowly'
  'in the daytime sky, a pink bird glides to the right'
  'a green square slides left on a checkered background, neon style'
)
inputs=()
for i in "${!prompts[@]}"; do
  node src/cli/generate.mjs "${prompts[$i]}" --seed 1 --seconds 2 --aspect 1:1 --backend wasm -o "$work/$i.mp4"
  inputs+=(-i "$work/$i.mp4")
done
# 128 px tiles (half size), 12 fps, one palette for the whole grid.
ffmpeg -loglevel error -y "${inputs[@]}" -filter_complex "\
[0:v]scale=128:128[a];[1:v]scale=128:128[b];[2:v]scale=128:128[c];\
[3:v]scale=128:128[d];[4:v]scale=128:128[e];[5:v]scale=128:128[f];\
[a][b][c][d][e][f]xstack=inputs=6:layout=0_0|w0_0|w0+w1_0|0_h0|w0_h0|w0+w1_h0,split[x][y];\
[x]palettegen=max_colors=128[p];[y][p]paletteuse=dither=bayer" "$out"
printf 'wrote %s (%s bytes): ' "$out" "$(stat -c %s "$out")"
printf '%s | ' "${prompts[@]}"; echo
