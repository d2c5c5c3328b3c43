// Elementwise binary ops on same-length arrays: y[i] = op(a[i], b[i]). Storage type T (f32 or
// f16, see src/gpu/kernel.ts); arithmetic in f32.
//
// add:           a + b            (residuals without a gate, modulation tables + timestep terms)
// mul:           a · b
// gelu_tanh_mul: a · gelu_tanh(b) (T5's gated FFN: fc1(x) · gelu_tanh(gate(x)))
//
// The grid may be 2-D for long arrays (grid2d in src/gpu/kernel.ts), so the flat index folds in id.y.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<storage, read> a: array<T>;
@group(0) @binding(1) var<storage, read> b: array<T>;
@group(0) @binding(2) var<storage, read_write> y: array<T>;

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;

fn flat_index(id: vec3u, groups: vec3u) -> u32 {
  return id.x + id.y * groups.x * WORKGROUP_SIZE;
}

fn gelu_tanh(v: f32) -> f32 {
  // Clamped like shaders/activations.wgsl: tanh built from exp can overflow to NaN.
  return 0.5 * v * (1.0 + tanh(clamp(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v), -10.0, 10.0)));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn add(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= arrayLength(&y)) { return; }
  y[i] = T(f32(a[i]) + f32(b[i]));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn mul(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= arrayLength(&y)) { return; }
  y[i] = T(f32(a[i]) * f32(b[i]));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gelu_tanh_mul(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= arrayLength(&y)) { return; }
  y[i] = T(f32(a[i]) * gelu_tanh(f32(b[i])));
}
