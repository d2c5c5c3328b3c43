// Patchify and unpatchify for Wan 2.1's (1, 2, 2) patches: pure index permutations, storage type
// T (f32 or f16, see src/gpu/kernel.ts), values copied unchanged.
//
// patchify: latents (C, F, H, W) → tokens (F·H/2·W/2, C·4). Tokens are ordered (f, h, w)
//   row-major over the patch grid; within a token, value (c, kh, kw) of the patch sits at column
//   c·4 + kh·2 + kw — the flattening of a Conv3d weight (dim, C, 1, 2, 2), so the patch embedding
//   (a Conv3d with kernel = stride = (1, 2, 2)) becomes a matmul with that weight viewed (dim, C·4).
// patchify_concat: the same over the channel concatenation of three inputs a (CHANNELS),
//   b (CHANNELS_B) and c (CHANNELS_C), all (·, F, H, W) — e.g. noisy latents, clean given latents
//   and a one-channel mask — so the 2C+1-channel input is never materialised.
// unpatchify: the head's output (F·H/2·W/2, 4·C) → latents (C, F, H, W). Wan views each token's
//   row as (1, 2, 2, C) — channel last, the opposite of patchify — so value (kh, kw, c) sits at
//   column (kh·2 + kw)·C + c.
//
// One invocation per output element, so every write is coalesced and each output is written once.
// HEIGHT and WIDTH are the latent sizes and must be even. The grid may be 2-D (see grid2d in
// src/gpu/kernel.ts).

override WORKGROUP_SIZE: u32 = 64u;
override CHANNELS: u32;
override CHANNELS_B: u32 = 0u;
override CHANNELS_C: u32 = 0u;
override FRAMES: u32;
override HEIGHT: u32;
override WIDTH: u32;

@group(0) @binding(0) var<storage, read> a: array<T>;
@group(0) @binding(1) var<storage, read_write> dst: array<T>;
@group(0) @binding(2) var<storage, read> b: array<T>;
@group(0) @binding(3) var<storage, read> c: array<T>;

fn flat_index(id: vec3u, groups: vec3u) -> u32 {
  return id.x + id.y * groups.x * WORKGROUP_SIZE;
}

// Where token column `column` of token `token` comes from: (channel, index within that channel's
// (F, H, W) volume), for a patch of `channels` channels.
fn patch_source(token: u32, column: u32) -> vec2u {
  let grid_w = WIDTH / 2u;
  let grid_h = HEIGHT / 2u;
  let f = token / (grid_h * grid_w);
  let row = 2u * ((token / grid_w) % grid_h) + (column / 2u) % 2u;
  let col = 2u * (token % grid_w) + column % 2u;
  return vec2u(column / 4u, (f * HEIGHT + row) * WIDTH + col);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn patchify(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  let width = CHANNELS * 4u;
  if (i >= FRAMES * HEIGHT * WIDTH * CHANNELS) { return; }
  let origin = patch_source(i / width, i % width);
  dst[i] = a[origin.x * FRAMES * HEIGHT * WIDTH + origin.y];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn patchify_concat(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  let channels = CHANNELS + CHANNELS_B + CHANNELS_C;
  let volume = FRAMES * HEIGHT * WIDTH;
  if (i >= volume * channels) { return; }
  let origin = patch_source(i / (channels * 4u), i % (channels * 4u));
  let channel = origin.x;
  if (channel < CHANNELS) {
    dst[i] = a[channel * volume + origin.y];
  } else if (channel < CHANNELS + CHANNELS_B) {
    dst[i] = b[(channel - CHANNELS) * volume + origin.y];
  } else {
    dst[i] = c[(channel - CHANNELS - CHANNELS_B) * volume + origin.y];
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn unpatchify(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = flat_index(id, groups);
  if (i >= CHANNELS * FRAMES * HEIGHT * WIDTH) { return; }
  // i = ((channel·F + f)·H + row)·W + col
  let col = i % WIDTH;
  let row = (i / WIDTH) % HEIGHT;
  let f = (i / (WIDTH * HEIGHT)) % FRAMES;
  let channel = i / (WIDTH * HEIGHT * FRAMES);
  let token = (f * (HEIGHT / 2u) + row / 2u) * (WIDTH / 2u) + col / 2u;
  let column = ((row % 2u) * 2u + col % 2u) * CHANNELS + channel;
  dst[i] = a[token * 4u * CHANNELS + column];
}
