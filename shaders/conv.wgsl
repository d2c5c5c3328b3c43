// 2-D convolution over a stack of frames, for TAEHV's decoder (src/model/taehv.ts): kernel 1×1 or
// 3×3 (padding K/2), stride 1, storage type T (f32 or f16, see src/gpu/kernel.ts), f32 sums.
//
// x (FRAMES, C_IN, H_IN, W_IN) → y (FRAMES, C_OUT, H, W); weight (C_OUT, C_IN_ALL, K, K) as
// PyTorch's Conv2d stores it; bias (C_OUT) when HAS_BIAS. Options, each folding a step of TAEHV into
// the one pass that reads its input:
//   CONCAT_PAST  input channels C_IN..2·C_IN are the same frame's channels one frame earlier (a
//                memory block's torch.cat([x, past])): frame f − 1 of x, or for frame 0 the
//                `carry` frame (the previous chunk's last input frame; zeros before the first).
//   UPSAMPLE     x is read at half the output's size, nearest neighbour (nn.Upsample(2) before
//                the convolution): H_IN = H / 2.
//   SOFT_CLAMP   the input is read as tanh(x / 3) · 3.
//   RESIDUAL     `residual` (FRAMES, C_OUT, H, W) is added to the sum (a memory block's skip).
//   ACTIVATION   after the sum: 0 none, 1 ReLU, 2 clamp to [0, 1].
//
// One invocation per output element: a direct convolution, C_IN_ALL·K² products each. Correct
// before fast: no tiling yet, so its speed on a real GPU is unmeasured.

override WORKGROUP_SIZE: u32 = 64u;
override FRAMES: u32;
override C_IN: u32;
override C_OUT: u32;
override HEIGHT: u32;
override WIDTH: u32;
override KERNEL: u32 = 3u;
override HAS_BIAS: bool = false;
override CONCAT_PAST: bool = false;
override UPSAMPLE: bool = false;
override SOFT_CLAMP: bool = false;
override RESIDUAL: bool = false;
override ACTIVATION: u32 = 0u;

@group(0) @binding(0) var<storage, read> x: array<T>;
@group(0) @binding(1) var<storage, read> weight: array<T>;
@group(0) @binding(2) var<storage, read> bias: array<T>;
@group(0) @binding(3) var<storage, read> carry: array<T>;
@group(0) @binding(4) var<storage, read> residual: array<T>;
@group(0) @binding(5) var<storage, read_write> y: array<T>;

fn input_height() -> u32 {
  return select(HEIGHT, HEIGHT / 2u, UPSAMPLE);
}

fn input_width() -> u32 {
  return select(WIDTH, WIDTH / 2u, UPSAMPLE);
}

// Input channel `c` (of C_IN_ALL) of frame `f` at input pixel (row, col).
fn read_input(f: u32, c: u32, row: u32, col: u32) -> f32 {
  let plane = input_height() * input_width();
  let at = row * input_width() + col;
  var v: f32;
  if (c < C_IN) {
    v = f32(x[(f * C_IN + c) * plane + at]);
  } else if (f > 0u) {
    v = f32(x[((f - 1u) * C_IN + c - C_IN) * plane + at]);
  } else {
    v = f32(carry[(c - C_IN) * plane + at]);
  }
  if (SOFT_CLAMP) {
    v = tanh(v / 3.0) * 3.0;
  }
  return v;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn conv2d(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = id.x + id.y * groups.x * WORKGROUP_SIZE;
  if (i >= FRAMES * C_OUT * HEIGHT * WIDTH) {
    return;
  }
  let col = i % WIDTH;
  let row = (i / WIDTH) % HEIGHT;
  let o = (i / (WIDTH * HEIGHT)) % C_OUT;
  let f = i / (WIDTH * HEIGHT * C_OUT);
  let c_all = select(C_IN, 2u * C_IN, CONCAT_PAST);
  let pad = i32(KERNEL / 2u);
  var sum = 0.0;
  for (var c = 0u; c < c_all; c++) {
    for (var ky = 0u; ky < KERNEL; ky++) {
      let r = i32(row) + i32(ky) - pad;
      if (r < 0 || r >= i32(HEIGHT)) {
        continue;
      }
      for (var kx = 0u; kx < KERNEL; kx++) {
        let q = i32(col) + i32(kx) - pad;
        if (q < 0 || q >= i32(WIDTH)) {
          continue;
        }
        let source_row = select(u32(r), u32(r) / 2u, UPSAMPLE);
        let source_col = select(u32(q), u32(q) / 2u, UPSAMPLE);
        let w = f32(weight[((o * c_all + c) * KERNEL + ky) * KERNEL + kx]);
        sum += w * read_input(f, c, source_row, source_col);
      }
    }
  }
  if (HAS_BIAS) {
    sum += f32(bias[o]);
  }
  if (RESIDUAL) {
    sum += f32(residual[i]);
  }
  if (ACTIVATION == 1u) {
    sum = max(sum, 0.0);
  } else if (ACTIVATION == 2u) {
    sum = clamp(sum, 0.0, 1.0);
  }
  y[i] = T(sum);
}
