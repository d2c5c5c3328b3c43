// CPU reference for shaders/fma_peak.wgsl: what each invocation writes to the sink, in f32 steps.

export function fmaPeakSink(invocations: number, iterations: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(invocations);
  for (let id = 0; id < invocations; id++) {
    const seed = f(f(id) * f(1e-6));
    let total = 0;
    // Four vec4 chains: lanes start at seed + 0.1·lane, then +0.4, +0.8, +1.2 per chain.
    for (const chain of [0, 0.4, 0.8, 1.2]) {
      for (let lane = 0; lane < 4; lane++) {
        let v = f(f(seed + f(0.1 * lane)) + f(chain));
        for (let i = 0; i < iterations; i++) v = f(v * f(0.999999) + f(1e-7));
        total += v;
      }
    }
    out[id] = total;
  }
  return out;
}
