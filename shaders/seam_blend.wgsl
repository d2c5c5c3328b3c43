// The seam blend that ends a window sampled after a context (latents x (C, F, H, W), f32).
//
// Why: a window's first generated frame does not continue its given context frame as closely as
// the window's own frames continue each other. zoetrope-s, measured (3 s clips at 1:1, models/
// train/sample.py): 2.0 levels of mean |Δ| from the context frame to the next against 0.8 inside
// a window, most of it a change of colour and shading over the whole picture. So the low
// frequencies of that jump are handed over across the window instead of at its first frame:
//
//   g = context frames, D = blur_σ(x[g−1] − x[g])      (Gaussian, radius RADIUS, edges clamped)
//   x[j] += (F − j) / (F − g) · D                       for j ≥ g where the mask is 0
//
// The first generated frame takes the context's low frequencies, the last keeps its own (so the
// next window continues the model's own look and colour can still follow the prompt), and detail
// finer than the blur stays the model's (no double images of moving edges).
//
// seam_offset writes D (C, H, W); seam_ramp adds it. Two passes: the offset reads frame g, which
// the ramp writes. CPU reference: src/gpu/reference/seam_blend.ts.

override WORKGROUP_SIZE: u32 = 64u;
override CHANNELS: u32 = 1u;
override FRAMES: u32 = 2u;
override HEIGHT: u32 = 1u;
override WIDTH: u32 = 1u;
/** g: the window's given leading frames (≥ 1, < FRAMES). */
override CONTEXT: u32 = 1u;
override SIGMA: f32 = 1.0;
/** ⌈3σ⌉, at least 1. */
override RADIUS: i32 = 3;

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> offset: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;

fn flat_index(id: vec3u, groups: vec3u) -> u32 {
  return id.x + id.y * groups.x * WORKGROUP_SIZE;
}

fn tap(d: i32) -> f32 {
  let r = f32(d);
  return exp(-r * r / (2.0 * SIGMA * SIGMA));
}

/** x[c, f, y, x] at clamped coordinates. */
fn latent(c: u32, f: u32, y: i32, xx: i32) -> f32 {
  let yc = u32(clamp(y, 0, i32(HEIGHT) - 1));
  let xc = u32(clamp(xx, 0, i32(WIDTH) - 1));
  return x[((c * FRAMES + f) * HEIGHT + yc) * WIDTH + xc];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn seam_offset(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  let plane = HEIGHT * WIDTH;
  if (i >= CHANNELS * plane) { return; }
  let c = i / plane;
  let y = i32((i % plane) / WIDTH);
  let xx = i32(i % WIDTH);
  var norm = 0.0;
  for (var d = -RADIUS; d <= RADIUS; d++) { norm += tap(d); }
  var sum = 0.0;
  for (var dy = -RADIUS; dy <= RADIUS; dy++) {
    var row = 0.0;
    for (var dx = -RADIUS; dx <= RADIUS; dx++) {
      row += tap(dx) * (latent(c, CONTEXT - 1u, y + dy, xx + dx) - latent(c, CONTEXT, y + dy, xx + dx));
    }
    sum += tap(dy) * row;
  }
  offset[i] = sum / (norm * norm);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn seam_ramp(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  let plane = HEIGHT * WIDTH;
  if (i >= CHANNELS * FRAMES * plane) { return; }
  let f = (i / plane) % FRAMES;
  let p = i % plane;
  if (f < CONTEXT || mask[f * plane + p] == 1.0) { return; }
  let weight = f32(FRAMES - f) / f32(FRAMES - CONTEXT);
  x[i] += weight * offset[(i / (FRAMES * plane)) * plane + p];
}
