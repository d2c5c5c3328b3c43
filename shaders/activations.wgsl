// Pointwise activations: y[i] = act(x[i]). Storage type T (f32 or f16, see src/gpu/kernel.ts);
// the arithmetic is f32 in both variants.
//
// One invocation per element. The grid may be 2-D (see grid2d in src/gpu/kernel.ts) when the
// element count needs more than 65 535 workgroups, so the flat index folds in id.y.
//
// gelu_tanh: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), the approximation Wan 2.1's FFN uses.
//   The tanh argument is clamped to ±10 (tanh is ±1 to f32 precision there) because some
//   implementations build tanh from exp and overflow to NaN for large arguments.
// silu: x·σ(x) = x / (1 + e^(−x)); e^(−x) overflowing to +∞ for very negative x gives the
//   correct limit 0 (x / ∞), so no clamp is needed.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<storage, read> x: array<T>;
@group(0) @binding(1) var<storage, read_write> y: array<T>;

const SQRT_2_OVER_PI: f32 = 0.7978845608028654;

fn flat_index(id: vec3u, groups: vec3u) -> u32 {
  return id.x + id.y * groups.x * WORKGROUP_SIZE;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gelu_tanh(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= arrayLength(&y)) { return; }
  let v = f32(x[i]);
  let inner = clamp(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v), -10.0, 10.0);
  y[i] = T(0.5 * v * (1.0 + tanh(inner)));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn silu(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= arrayLength(&y)) { return; }
  let v = f32(x[i]);
  y[i] = T(v / (1.0 + exp(-v)));
}
