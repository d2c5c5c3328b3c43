// Numerically stable softmax over the last dimension: rows of WIDTH elements, storage type T
// (f32 or f16, see src/gpu/kernel.ts), all arithmetic f32.
//
//   y = exp(x − max(x)) / Σ exp(x − max(x))
//
// One workgroup per row, two passes over it. Pass one is an online softmax: each invocation
// strides over the row keeping its running maximum m and s = Σ exp(x − m), rescaling s when m
// grows; the (m, s) pairs then meet in a tree reduction through workgroup memory with the same
// rule, (m, s) ⊕ (m′, s′) = (M, s·e^(m−M) + s′·e^(m′−M)), M = max(m, m′). Pass two writes
// exp(x − M)/S. So any WIDTH works (odd, or wider than the workgroup), and WORKGROUP_SIZE must be
// a power of two. An invocation with no element starts from m = −3·10³⁸, s = 0, which merges
// as nothing (exp arguments are clamped at −80, see exp_nonpositive). Inputs must be finite (mask with a large negative number, not −∞: WGSL
// implementations need not honour infinities).
//
// The grid may be 2-D (see grid2d in src/gpu/kernel.ts) when there are more than 65 535 rows.

override WORKGROUP_SIZE: u32 = 128u;
override ROWS: u32;
override WIDTH: u32;

@group(0) @binding(0) var<storage, read> x: array<T>;
@group(0) @binding(1) var<storage, read_write> y: array<T>;

var<workgroup> partial: array<vec2f, WORKGROUP_SIZE>;

const LOWEST: f32 = -3.0e38;

// e^d for d ≤ 0. Below −80 the result (< 2e-35) is below every f32 sum it joins, so the
// argument is clamped there: exp of a huge negative number (−FLT_MAX, a mask) is not reliably 0
// on every implementation (SwiftShader returns garbage).
fn exp_nonpositive(d: f32) -> f32 {
  return exp(max(d, -80.0));
}

// (m, s) ⊕ (m′, s′)
fn merge(a: vec2f, b: vec2f) -> vec2f {
  let m = max(a.x, b.x);
  return vec2f(m, a.y * exp_nonpositive(a.x - m) + b.y * exp_nonpositive(b.x - m));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn softmax(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * groups.x;
  // Uniform per workgroup, so the barriers below stay in uniform control flow.
  if (row >= ROWS) { return; }
  let base = row * WIDTH;

  var state = vec2f(LOWEST, 0.0);
  for (var i = lid; i < WIDTH; i += WORKGROUP_SIZE) {
    state = merge(state, vec2f(f32(x[base + i]), 1.0));
  }
  partial[lid] = state;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partial[lid] = merge(partial[lid], partial[lid + stride]);
    }
    workgroupBarrier();
  }
  let total = partial[0];

  let inv_sum = 1.0 / total.y;
  for (var i = lid; i < WIDTH; i += WORKGROUP_SIZE) {
    y[base + i] = T(exp_nonpositive(f32(x[base + i]) - total.x) * inv_sum);
  }
}
