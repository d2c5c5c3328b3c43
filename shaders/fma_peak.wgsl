// FMA throughput microkernel: the adapter's measured peak, against which the benchmark reports
// every kernel's GFLOP/s.
//
// Each invocation runs ITERATIONS rounds of CHAINS independent vec4 fused multiply-adds (the
// independence hides FMA latency), i.e. 2·4·CHAINS·ITERATIONS flops, and writes one value so the
// compiler cannot drop the work. The multiplier is just below 1 and the addend small, so values
// stay finite however long it runs.

override WORKGROUP_SIZE: u32 = 256u;
override ITERATIONS: u32 = 1024u;

@group(0) @binding(0) var<storage, read_write> sink: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn fma_peak(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let seed = f32(id.x) * 1e-6;
  let m = vec4f(0.999999);
  let c = vec4f(1e-7);
  var a = vec4f(seed, seed + 0.1, seed + 0.2, seed + 0.3);
  var b = a + 0.4;
  var d = a + 0.8;
  var e = a + 1.2;
  for (var i = 0u; i < ITERATIONS; i++) {
    a = fma(a, m, c);
    b = fma(b, m, c);
    d = fma(d, m, c);
    e = fma(e, m, c);
  }
  let total = a + b + d + e;
  sink[id.x + id.y * groups.x * WORKGROUP_SIZE] = total.x + total.y + total.z + total.w;
}
