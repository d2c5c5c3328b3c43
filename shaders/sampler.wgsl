// Sampler updates of the latents x (C, F, H, W), f32, one invocation per element. σ and σ_next
// come in a uniform so that one pipeline serves every step (the values change, the code does not).
//
// Flow matching: x_σ = (1 − σ)·x0 + σ·noise, and the DiT predicts v = noise − x0, so x0 = x − σ·v.
//
// few_step: predict x0, then re-noise it to σ_next with fresh noise (consistency-style sampling):
//           x ← (1 − σ_next)·(x − σ·v) + σ_next·noise            (σ_next = 0 gives x0)
// euler:    one Euler step of the flow ODE: x ← x + (σ_next − σ)·v
// guided_euler: the same step with classifier-free guidance, v the prompted velocity and
//           v_uncond the empty prompt's: x ← x + (σ_next − σ)·(v_uncond + GUIDANCE·(v − v_uncond))
//
// Given latent frames (mask = 1, broadcast over channels) are not sampled: x = clean there, so the
// context frames of a window, or an image-to-video first frame, stay exactly what was given.
//
// to_frames: (C, F, H, W) → (F, C, H, W), the per-frame batch the VAE decoder takes.

override WORKGROUP_SIZE: u32 = 64u;
/** F·H·W: elements per channel, the period of the mask's broadcast. */
override PLANE: u32 = 1u;
override CHANNELS: u32 = 1u;
override FRAMES: u32 = 1u;
/** H·W of one frame. */
override PIXELS: u32 = 1u;

struct Sigmas {
  sigma: f32,
  sigma_next: f32,
}

@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read> clean: array<f32>;
@group(0) @binding(3) var<storage, read> mask: array<f32>;
@group(0) @binding(4) var<uniform> sigmas: Sigmas;
@group(0) @binding(5) var<storage, read> noise: array<f32>;
// guided_euler's binding 5 (no entry point uses both).
@group(0) @binding(5) var<storage, read> v_uncond: array<f32>;
override GUIDANCE: f32 = 1.0;

fn flat_index(id: vec3u, groups: vec3u) -> u32 {
  return id.x + id.y * groups.x * WORKGROUP_SIZE;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn few_step(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= arrayLength(&x)) { return; }
  let x0 = x[i] - sigmas.sigma * v[i];
  let renoised = (1.0 - sigmas.sigma_next) * x0 + sigmas.sigma_next * noise[i];
  x[i] = select(renoised, clean[i], mask[i % PLANE] == 1.0);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn euler(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= arrayLength(&x)) { return; }
  let stepped = x[i] + (sigmas.sigma_next - sigmas.sigma) * v[i];
  x[i] = select(stepped, clean[i], mask[i % PLANE] == 1.0);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn guided_euler(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= arrayLength(&x)) { return; }
  let guided = v_uncond[i] + GUIDANCE * (v[i] - v_uncond[i]);
  let stepped = x[i] + (sigmas.sigma_next - sigmas.sigma) * guided;
  x[i] = select(stepped, clean[i], mask[i % PLANE] == 1.0);
}

@group(0) @binding(0) var<storage, read> latents: array<f32>;
@group(0) @binding(1) var<storage, read_write> frames: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn to_frames(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups); // index into frames (F, C, H·W)
  if (i >= CHANNELS * FRAMES * PIXELS) { return; }
  let p = i % PIXELS;
  let c = (i / PIXELS) % CHANNELS;
  let f = i / (PIXELS * CHANNELS);
  frames[i] = latents[(c * FRAMES + f) * PIXELS + p];
}
