// The Wan 2.1 base model's sampler on the GPU: flow matching with classifier-free guidance over the
// whole clip, the plan of wan_samplers.ts (flowMatchingPlan: 50 Euler steps, shift 5 upstream),
// nothing read back inside the loop:
//
//   x = noise(seed, stream 0)                                                          σ_0 = 1
//   for k:  v_c = DiT(x, t_k, prompt);  v_u = DiT(x, t_k, empty prompt)
//           x = x + (σ_{k+1} − σ_k)·(v_u + guidance·(v_c − v_u))               (guided_euler kernel)
//
// Upstream samples with UniPC over the same σ's; this is the flow-matching reference (see
// wan_samplers.ts), so clips differ from upstream's in detail.
import { guidedEulerKernel, sigmasBytes } from '../gpu/ops/sampler.ts';
import { tensorView, type Tensor } from '../gpu/tensor.ts';
import type { DitText } from '../model/dit.ts';
import { ForwardRecorder } from '../model/recorder.ts';
import { noiseOf } from './generate_window.ts';
import { flowMatchingPlan } from './wan_samplers.ts';
import type { WanSamplerGpu } from './wan_self_forcing.ts';

export interface FlowMatchingRequest {
  seed: number;
  latentFrames: number;
  height: number;
  width: number;
  steps?: number;
  shift?: number;
  guidance?: number;
}

export const WAN_BASE_STEPS = 50;
export const WAN_BASE_SHIFT = 5;
export const WAN_BASE_GUIDANCE = 5;

/** Clean latents (C, F, H, W) f32 of the whole clip, a pool tensor: release it with gpu.pool.release. */
export async function sampleFlowMatchingGpu(
  gpu: WanSamplerGpu,
  prompt: DitText,
  empty: DitText,
  request: FlowMatchingRequest,
  onStep?: (step: number, steps: number) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<Tensor> {
  const { device, pool, uniforms, dit } = gpu;
  const plan = flowMatchingPlan(request.steps ?? WAN_BASE_STEPS, request.shift ?? WAN_BASE_SHIFT);
  const guidance = request.guidance ?? WAN_BASE_GUIDANCE;
  const channels = dit.config.in_channels;
  const { latentFrames: frames, height, width } = request;
  const shape = [channels, frames, height, width];
  const x = pool.acquireTensor(shape, 'f32');
  const zeros = pool.acquireTensor(shape, 'f32');
  const t = device.createBuffer({ label: 't', size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const sigmaUniform = device.createBuffer({ label: 'sigmas', size: 8, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  let done = false;
  try {
    const setup = new ForwardRecorder(device, pool, uniforms);
    setup.zero(zeros); // nothing given: clean latents and mask all zero
    setup.submit();
    device.queue.writeBuffer(x.buffer, x.offset, noiseOf(channels * frames * height * width, request.seed, 0));
    const mask = { ...zeros, shape: [1, frames, height, width] };
    for (const [k, step] of plan.entries()) {
      signal?.throwIfAborted();
      device.queue.writeBuffer(t, 0, new Float32Array([step.t]));
      device.queue.writeBuffer(sigmaUniform, 0, sigmasBytes(step.sigma, step.sigmaNext));
      const r = new ForwardRecorder(device, pool, uniforms);
      const inputs = { x, t: tensorView(t, [1], 'f32') };
      const conditional = dit.forward(r, inputs, prompt);
      const unconditional = dit.forward(r, inputs, empty);
      r.run(guidedEulerKernel, { channels, frames, height, width, guidance }, { x, v: conditional, clean: zeros, mask, sigmas: sigmaUniform, vUncond: unconditional });
      r.free(conditional, unconditional);
      r.submit();
      // Waiting is not reading: it paces progress and lets cancel act between steps.
      await device.queue.onSubmittedWorkDone();
      await onStep?.(k + 1, plan.length);
    }
    done = true;
    return x;
  } finally {
    if (!done) pool.release(x);
    pool.release(zeros);
    t.destroy();
    sigmaUniform.destroy();
  }
}
