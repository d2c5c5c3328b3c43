// Normalisation over contiguous groups of GROUP_SIZE elements: LayerNorm (with and without an
// affine weight and bias) and T5-style RMSNorm. Storage type T (f32 or f16, see
// src/gpu/kernel.ts); every sum and the normalisation itself are f32 in both variants.
//
// The input is GROUPS groups of GROUP_SIZE contiguous elements. A row of width D normalised as a
// whole is one group (GROUP_SIZE = D, GROUPS = rows); a per-head norm over (L, heads, head_dim)
// is GROUP_SIZE = head_dim, GROUPS = L·heads. The affine weight (and bias) has WEIGHT_LENGTH
// elements and is indexed by the flat element index modulo WEIGHT_LENGTH, so one kernel covers
// a weight over the whole row (WEIGHT_LENGTH = D, Wan's q/k norm), one weight shared by every head
// (WEIGHT_LENGTH = head_dim) and a per-head weight laid out over the row (WEIGHT_LENGTH = D).
//
// One workgroup per group. Each invocation strides over the group (so any GROUP_SIZE works, odd
// ones included, and a group wider than the workgroup is fine); partial sums meet in a tree
// reduction through workgroup memory, which is why WORKGROUP_SIZE must be a power of two.
//
// layer_norm:  y = (x − μ) / √(σ² + ε) [· w + b],  μ and the biased variance σ² over the group,
//   as torch.nn.LayerNorm. The variance is a second pass over (x − μ)², not E[x²] − μ², which
//   cancels catastrophically when |μ| ≫ σ (the residual stream of a DiT is such a case).
// rms_norm:    y = x / √(mean(x²) + ε) · w,  no mean subtraction and no bias (T5, Wan's q/k norm).
//
// The grid may be 2-D (see grid2d in src/gpu/kernel.ts) when GROUPS exceeds 65 535 workgroups.

override WORKGROUP_SIZE: u32 = 128u;
override GROUP_SIZE: u32;
override GROUPS: u32;
override WEIGHT_LENGTH: u32 = GROUP_SIZE;
override EPS: f32 = 1e-6;

@group(0) @binding(0) var<storage, read> x: array<T>;
@group(0) @binding(1) var<storage, read_write> y: array<T>;
@group(0) @binding(2) var<storage, read> weight: array<T>;
@group(0) @binding(3) var<storage, read> bias: array<T>;

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

// Sum of `value` over the workgroup; every invocation gets the total. Must be reached in uniform
// control flow (it has barriers).
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
  // Nobody may overwrite `partial` for a next reduction before everyone has read the total.
  workgroupBarrier();
  return total;
}

fn group_index(wid: vec3u, groups: vec3u) -> u32 {
  return wid.x + wid.y * groups.x;
}

// Mean and 1/√(σ² + ε) of the group starting at `base`, by two passes.
fn mean_and_inv_std(base: u32, lid: u32) -> vec2f {
  var sum = 0.0;
  for (var i = lid; i < GROUP_SIZE; i += WORKGROUP_SIZE) {
    sum += f32(x[base + i]);
  }
  let mean = workgroup_sum(lid, sum) / f32(GROUP_SIZE);
  var squares = 0.0;
  for (var i = lid; i < GROUP_SIZE; i += WORKGROUP_SIZE) {
    let d = f32(x[base + i]) - mean;
    squares += d * d;
  }
  let variance = workgroup_sum(lid, squares) / f32(GROUP_SIZE);
  return vec2f(mean, inverseSqrt(variance + EPS));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn layer_norm(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let group = group_index(wid, groups);
  // Uniform per workgroup, so the barriers below stay in uniform control flow.
  if (group >= GROUPS) { return; }
  let base = group * GROUP_SIZE;
  let stats = mean_and_inv_std(base, lid);
  for (var i = lid; i < GROUP_SIZE; i += WORKGROUP_SIZE) {
    y[base + i] = T((f32(x[base + i]) - stats.x) * stats.y);
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn layer_norm_affine(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
                     @builtin(local_invocation_index) lid: u32) {
  let group = group_index(wid, groups);
  if (group >= GROUPS) { return; }
  let base = group * GROUP_SIZE;
  let stats = mean_and_inv_std(base, lid);
  for (var i = lid; i < GROUP_SIZE; i += WORKGROUP_SIZE) {
    let w = (base + i) % WEIGHT_LENGTH;
    y[base + i] = T((f32(x[base + i]) - stats.x) * stats.y * f32(weight[w]) + f32(bias[w]));
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rms_norm(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let group = group_index(wid, groups);
  if (group >= GROUPS) { return; }
  let base = group * GROUP_SIZE;
  var squares = 0.0;
  for (var i = lid; i < GROUP_SIZE; i += WORKGROUP_SIZE) {
    let v = f32(x[base + i]);
    squares += v * v;
  }
  let inv_rms = inverseSqrt(workgroup_sum(lid, squares) / f32(GROUP_SIZE) + EPS);
  for (var i = lid; i < GROUP_SIZE; i += WORKGROUP_SIZE) {
    let w = (base + i) % WEIGHT_LENGTH;
    y[base + i] = T(f32(x[base + i]) * inv_rms * f32(weight[w]));
  }
}
