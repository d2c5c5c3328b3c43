// Conversion from the f32 residual stream to the storage type T (f32 or f16, see
// src/gpu/kernel.ts): y[i] = T(x[i]). The models keep their residual stream, modulation and
// timestep terms in f32 (as Wan does) and everything a matmul reads in T; this is the crossing
// where no fused kernel covers it. In the f32 model it is never dispatched.
//
// The grid may be 2-D for long arrays (grid2d in src/gpu/kernel.ts), so the flat index folds in id.y.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<T>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn to_storage(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = id.x + id.y * groups.x * WORKGROUP_SIZE;
  if (i >= arrayLength(&y)) { return; }
  y[i] = T(x[i]);
}
