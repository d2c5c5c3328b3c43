// Embeddings: the DiT's sinusoidal timestep embedding, T5's relative position bias and the token
// embedding gather. Storage type T (f32 or f16, see src/gpu/kernel.ts) for tables and outputs;
// timesteps are always f32 (t = 833.33 has no f16 value near enough) and token ids u32.
//
// timestep_embedding: t (COUNT) → (COUNT, FREQ_DIM) laid out [cos | sin] as Wan's
//   sinusoidal_embedding_1d: with half = FREQ_DIM/2 and ωⱼ = 10000^(−j/half),
//   out[n, j] = cos(tₙ·ωⱼ), out[n, half + j] = sin(tₙ·ωⱼ). Wan computes this in float64; here
//   it is f32. The angle (up to 1000 rad) is reduced by multiples of π/2 with π/2 split into an
//   exactly representable high part and a small low part (Cody–Waite), then cos and sin come from
//   Taylor polynomials on [−π/4, π/4] (error < 2e-9): the GPU's own sin and cos are only bounded
//   to 2⁻¹¹ absolute on [−π, π] (SwiftShader is that far off: 2e-4). What remains is the f32
//   rounding of tₙ·ωⱼ and of ωⱼ (exp2, a few ulps): up to ≈1.3e-4 at t ≈ 1000, measured.
//
// relative_bias: T5's bidirectional relative position bias (heads, LQ, LK) from the learned
//   table (NUM_BUCKETS, HEADS), as T5's `_relative_position_bucket` of key − query position:
//   half the buckets per direction (keys after the query in the upper half), exact buckets for
//   distances below half of those, logarithmic buckets up to MAX_DISTANCE, the last bucket
//   beyond. The logarithmic bucket is truncated from an f32 value that is an exact integer at
//   some distances (16, 32, 64 for 32 buckets and distance 128, where PyTorch's f32 gives the
//   integer); GPU `log` may land just below, so a nudge of 1e-4 is added before truncating.
//   The nearest non-integer value sits 0.016 below an integer, far outside the nudge.
//
// gather: ids (COUNT) → rows of the table (rows, DIM). A table too large for one binding is
//   split by rows: a dispatch binds rows ROW_BEGIN … ROW_END − 1 and writes only the outputs
//   whose id falls there, so one dispatch per shard fills the output.
//
// One invocation per output element everywhere; grids may be 2-D (see grid2d in
// src/gpu/kernel.ts). Each entry point declares its own bindings (binding numbers are reused
// across entry points, never within one).

override WORKGROUP_SIZE: u32 = 64u;
override COUNT: u32 = 1u;
override FREQ_DIM: u32 = 256u;
override HEADS: u32 = 1u;
override LQ: u32 = 1u;
override LK: u32 = 1u;
override NUM_BUCKETS: u32 = 32u;
override MAX_DISTANCE: u32 = 128u;
override BIDIRECTIONAL: bool = true;
override DIM: u32 = 1u;
override ROW_BEGIN: u32 = 0u;
override ROW_END: u32 = 0xffffffffu;

@group(0) @binding(0) var<storage, read> timesteps: array<f32>;
@group(0) @binding(0) var<storage, read> bias_table: array<T>;
@group(0) @binding(0) var<storage, read> ids: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<T>;
@group(0) @binding(2) var<storage, read> table: array<T>;

// π/2 = HALF_PI_HI + HALF_PI_LO, HALF_PI_HI with 8 significant bits so k·HALF_PI_HI is exact
// for every k below 2¹⁶ (t·ω up to 10⁵ rad).
const HALF_PI_HI: f32 = 1.5703125;
const HALF_PI_LO: f32 = 4.8382679489661923e-4;
const TWO_OVER_PI: f32 = 0.6366197723675814;
const LOG2_10000: f32 = 13.287712379549449;

fn flat_index(id: vec3u, groups: vec3u) -> u32 {
  return id.x + id.y * groups.x * WORKGROUP_SIZE;
}

// (cos θ, sin θ) to a few f32 ulps for |θ| < 10⁵.
fn cos_sin(theta: f32) -> vec2f {
  let k = round(theta * TWO_OVER_PI);
  let r = (theta - k * HALF_PI_HI) - k * HALF_PI_LO; // in [−π/4, π/4], up to rounding
  let r2 = r * r;
  let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0)))));
  let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0)))));
  // θ = k·π/2 + r: rotate (cos r, sin r) by the quadrant k mod 4.
  switch (i32(k) & 3) {
    case 0: { return vec2f(c, s); }
    case 1: { return vec2f(-s, c); }
    case 2: { return vec2f(-c, -s); }
    default: { return vec2f(s, -c); }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn timestep_embedding(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= COUNT * FREQ_DIM) { return; }
  let half = FREQ_DIM / 2u;
  let column = i % FREQ_DIM;
  let omega = exp2(-f32(column % half) / f32(half) * LOG2_10000);
  let rotation = cos_sin(timesteps[i / FREQ_DIM] * omega);
  dst[i] = T(select(rotation.y, rotation.x, column < half));
}

fn relative_bucket(relative: i32) -> u32 {
  var buckets = NUM_BUCKETS;
  var bucket = 0u;
  var distance: u32;
  if (BIDIRECTIONAL) {
    buckets /= 2u;
    if (relative > 0) { bucket = buckets; }
    distance = u32(abs(relative));
  } else {
    distance = u32(max(-relative, 0));
  }
  let max_exact = buckets / 2u;
  if (distance < max_exact) {
    return bucket + distance;
  }
  let scaled = log(f32(distance) / f32(max_exact)) / log(f32(MAX_DISTANCE) / f32(max_exact)) * f32(buckets - max_exact);
  return bucket + min(max_exact + u32(scaled + 1e-4), buckets - 1u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn relative_bias(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= HEADS * LQ * LK) { return; }
  let key = i % LK;
  let query = (i / LK) % LQ;
  let head = i / (LK * LQ);
  let bucket = relative_bucket(i32(key) - i32(query));
  dst[i] = bias_table[bucket * HEADS + head];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gather(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= COUNT * DIM) { return; }
  let row = ids[i / DIM];
  if (row < ROW_BEGIN || row >= ROW_END) { return; }
  dst[i] = table[(row - ROW_BEGIN) * DIM + i % DIM];
}
