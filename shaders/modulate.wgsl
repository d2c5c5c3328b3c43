// adaLN modulation and the gated residual of a DiT block (Wan 2.1): storage type T (f32 or f16,
// see src/gpu/kernel.ts), all arithmetic f32.
//
// The shift, scale and gate vectors are chunks of the time-conditioned modulation: a block's
// `modulation` parameter (CHUNKS, DIM) — CHUNKS = 6 in a block (shift1, scale1, gate1, shift2,
// scale2, gate2), 2 in the head (shift, scale) — plus the time projection `e` (one (CHUNKS, DIM)
// block per timestep). The sum is taken here, in f32, as Wan does (`modulation + e`, chunked), so
// it needs no kernel of its own. Rows r·ROWS_PER_E … (r+1)·ROWS_PER_E − 1 use e's block r: one
// block for all rows (ROWS_PER_E = ROWS) or one per frame (ROWS_PER_E = tokens per frame) when
// every frame has its own timestep. In the head, e is one (DIM) vector broadcast over both chunks
// (Wan adds the head's (1, 2, DIM) modulation to e.unsqueeze(1)): E_BROADCAST = true.
//
// ln_modulate:    dst = LayerNorm(src)·(1 + scale) + shift, LayerNorm without affine over DIM
//   (biased variance, two passes as in norm.wgsl). One workgroup per row, tree reduction,
//   so WORKGROUP_SIZE must be a power of two.
// modulate:       dst = src·(1 + scale) + shift, one invocation per element.
// gated_residual: dst += gate ⊙ src — dst is the residual stream x, src the branch output y.
//
// The *_f32 entry points keep the residual stream and the modulation in f32 while the branch
// activations are T — what Wan's precision recipe asks for when T is f16 ("norms, modulation and
// residuals in float32"): ln_modulate_f32 reads an f32 x and writes the T input of the next
// matmul; gated_residual_f32 adds a T branch output into an f32 x. Their bindings are declared
// separately with the same binding numbers (legal: no entry point uses both declarations).
//
// Grids may be 2-D (see grid2d in src/gpu/kernel.ts); the flat index folds in id.y.

override WORKGROUP_SIZE: u32 = 128u;
override DIM: u32;
override ROWS: u32;
override CHUNKS: u32 = 6u;
override SHIFT_CHUNK: u32 = 0u;
override SCALE_CHUNK: u32 = 1u;
override GATE_CHUNK: u32 = 2u;
override ROWS_PER_E: u32 = ROWS;
override E_BROADCAST: bool = false;
override EPS: f32 = 1e-6;

// Storage-typed bindings.
@group(0) @binding(0) var<storage, read> src: array<T>;
@group(0) @binding(1) var<storage, read_write> dst: array<T>;
@group(0) @binding(2) var<storage, read> e: array<T>;
@group(0) @binding(3) var<storage, read> modulation: array<T>;

// The same slots for the f32 residual stream (see the header).
@group(0) @binding(0) var<storage, read> src_f32: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst_f32: array<f32>;
@group(0) @binding(2) var<storage, read> e_f32: array<f32>;
@group(0) @binding(3) var<storage, read> modulation_f32: array<f32>;

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

// Sum over the workgroup, returned to every invocation; call in uniform control flow.
fn workgroup_sum(lid: u32, value: f32) -> f32 {
  partial[lid] = value;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] += partial[lid + stride];
    }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier();
  return total;
}

// Index of chunk `chunk`, channel `c`, in e for `row`; the same minus the block offset in
// `modulation`.
fn e_index(row: u32, chunk: u32, c: u32) -> u32 {
  if (E_BROADCAST) { return (row / ROWS_PER_E) * DIM + c; }
  return (row / ROWS_PER_E) * CHUNKS * DIM + chunk * DIM + c;
}

fn mod_value(row: u32, chunk: u32, c: u32) -> f32 {
  return f32(e[e_index(row, chunk, c)]) + f32(modulation[chunk * DIM + c]);
}

fn mod_value_f32(row: u32, chunk: u32, c: u32) -> f32 {
  return e_f32[e_index(row, chunk, c)] + modulation_f32[chunk * DIM + c];
}

fn flat_index(id: vec3u, groups: vec3u) -> u32 {
  return id.x + id.y * groups.x * WORKGROUP_SIZE;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn ln_modulate(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
               @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * groups.x;
  // Uniform per workgroup, so the barriers stay in uniform control flow.
  if (row >= ROWS) { return; }
  let base = row * DIM;
  var sum = 0.0;
  for (var c = lid; c < DIM; c += WORKGROUP_SIZE) { sum += f32(src[base + c]); }
  let mean = workgroup_sum(lid, sum) / f32(DIM);
  var squares = 0.0;
  for (var c = lid; c < DIM; c += WORKGROUP_SIZE) {
    let d = f32(src[base + c]) - mean;
    squares += d * d;
  }
  let inv_std = inverseSqrt(workgroup_sum(lid, squares) / f32(DIM) + EPS);
  for (var c = lid; c < DIM; c += WORKGROUP_SIZE) {
    let h = (f32(src[base + c]) - mean) * inv_std;
    dst[base + c] = T(h * (1.0 + mod_value(row, SCALE_CHUNK, c)) + mod_value(row, SHIFT_CHUNK, c));
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn ln_modulate_f32(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
                   @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * groups.x;
  if (row >= ROWS) { return; }
  let base = row * DIM;
  var sum = 0.0;
  for (var c = lid; c < DIM; c += WORKGROUP_SIZE) { sum += src_f32[base + c]; }
  let mean = workgroup_sum(lid, sum) / f32(DIM);
  var squares = 0.0;
  for (var c = lid; c < DIM; c += WORKGROUP_SIZE) {
    let d = src_f32[base + c] - mean;
    squares += d * d;
  }
  let inv_std = inverseSqrt(workgroup_sum(lid, squares) / f32(DIM) + EPS);
  for (var c = lid; c < DIM; c += WORKGROUP_SIZE) {
    let h = (src_f32[base + c] - mean) * inv_std;
    dst[base + c] = T(h * (1.0 + mod_value_f32(row, SCALE_CHUNK, c)) + mod_value_f32(row, SHIFT_CHUNK, c));
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn modulate(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= ROWS * DIM) { return; }
  let row = i / DIM;
  let c = i % DIM;
  dst[i] = T(f32(src[i]) * (1.0 + mod_value(row, SCALE_CHUNK, c)) + mod_value(row, SHIFT_CHUNK, c));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gated_residual(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= ROWS * DIM) { return; }
  dst[i] = T(f32(dst[i]) + mod_value(i / DIM, GATE_CHUNK, i % DIM) * f32(src[i]));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gated_residual_f32(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= ROWS * DIM) { return; }
  dst_f32[i] = dst_f32[i] + mod_value_f32(i / DIM, GATE_CHUNK, i % DIM) * f32(src[i]);
}
