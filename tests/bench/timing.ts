// Wall-clock GPU timing for the benchmark: submit the same work `reps` times and wait for the
// queue to drain. Per-kernel timestamp queries would be finer, but whole submissions measured
// this way include every cost a user pays (dispatch, synchronisation), which is what ratios
// between peers should compare.

export interface Timing {
  /** Median milliseconds per repetition over `rounds` rounds. */
  ms: number;
  reps: number;
}

export async function timeSubmissions(
  device: GPUDevice,
  encode: (encoder: GPUCommandEncoder) => void,
  { minMs = 300, rounds = 3 } = {},
): Promise<Timing> {
  const submit = () => {
    const encoder = device.createCommandEncoder();
    encode(encoder);
    device.queue.submit([encoder.finish()]);
  };
  // Warm-up: compiles pipelines and lets the driver settle.
  submit();
  await device.queue.onSubmittedWorkDone();
  // Grow the repetitions until one round lasts minMs, so short kernels are not timer noise.
  let reps = 1;
  for (;;) {
    const ms = await timeRound(device, submit, reps);
    if (ms >= minMs || reps >= 1 << 14) break;
    reps *= Math.min(16, Math.max(2, Math.ceil(minMs / Math.max(ms, 1e-3))));
  }
  const perRep: number[] = [];
  for (let r = 0; r < rounds; r++) perRep.push((await timeRound(device, submit, reps)) / reps);
  perRep.sort((a, b) => a - b);
  return { ms: perRep[Math.floor(rounds / 2)]!, reps };
}

async function timeRound(device: GPUDevice, submit: () => void, reps: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < reps; i++) submit();
  await device.queue.onSubmittedWorkDone();
  return performance.now() - start;
}
