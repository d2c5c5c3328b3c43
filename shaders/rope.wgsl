// 3D rotary position embedding of Wan 2.1, in place on q or k laid out (L, HEADS, HEAD_DIM),
// storage type T (f32 or f16, see src/gpu/kernel.ts); the rotation is f32.
//
// The HEAD_DIM/2 complex pairs are the interleaved element pairs (2j, 2j+1), split over three
// axes: the first HEAD_DIM/2 − 2·⌊HEAD_DIM/6⌋ pairs rotate by the token's frame, the next
// ⌊HEAD_DIM/6⌋ by its row, the last ⌊HEAD_DIM/6⌋ by its column ([22, 21, 21] at head_dim 128).
// Tokens are ordered (frame, row, column) row-major over FRAMES × HEIGHT × WIDTH; the frame
// position is counted from params.frame_offset (0 in every chunk window; a KV-cache port passes
// the chunk's first frame). It is a uniform, not an override constant, so one pipeline serves
// every chunk of a streamed clip (an override would compile a new pipeline per chunk).
//
//   (x₂ⱼ, x₂ⱼ₊₁) ← (x₂ⱼ·cos θ − x₂ⱼ₊₁·sin θ,  x₂ⱼ·sin θ + x₂ⱼ₊₁·cos θ),  θ = position·ωⱼ
//
// cos θ and sin θ come from a table (p, j) → (cos p·ωⱼ, sin p·ωⱼ) of f32 pairs, HEAD_DIM/2 per
// position, built once on the CPU in float64 (ropeTable in src/gpu/ops/rope.ts) — exactly Wan's
// float64 `rope_params` table rounded once to f32. Computing them here instead would rest on the
// GPU's sin and cos, which WGSL only bounds (to 2⁻¹¹ absolute) on [−π, π]; the table costs
// 512 KiB at head_dim 128 for 1024 positions and one 8-byte read per pair.
//
// One invocation per (token, head, pair); each reads and writes only its own pair, so in place is
// safe. The grid may be 2-D (see grid2d in src/gpu/kernel.ts).

override WORKGROUP_SIZE: u32 = 64u;
override HEADS: u32;
override HEAD_DIM: u32;
override FRAMES: u32;
override HEIGHT: u32;
override WIDTH: u32;

// 16 bytes (a uniform buffer's minimum); see ropeUniforms in src/gpu/ops/rope.ts.
struct Params {
  frame_offset: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<storage, read_write> x: array<T>;
@group(0) @binding(1) var<storage, read> table: array<vec2f>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(WORKGROUP_SIZE)
fn rope(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let half = HEAD_DIM / 2u;
  let i = id.x + id.y * groups.x * WORKGROUP_SIZE;
  if (i >= FRAMES * HEIGHT * WIDTH * HEADS * half) { return; }
  let pair = i % half;
  let token = i / (half * HEADS);

  let spatial_pairs = HEAD_DIM / 6u;
  let time_pairs = half - 2u * spatial_pairs;
  var position: u32;
  if (pair < time_pairs) {
    position = token / (HEIGHT * WIDTH) + params.frame_offset;
  } else if (pair < time_pairs + spatial_pairs) {
    position = (token / WIDTH) % HEIGHT;
  } else {
    position = token % WIDTH;
  }
  let rotation = table[position * half + pair];

  // Element 2·i is the real part of pair i of head (i / half) of the token: pairs are contiguous.
  let a = f32(x[2u * i]);
  let b = f32(x[2u * i + 1u]);
  x[2u * i] = T(a * rotation.x - b * rotation.y);
  x[2u * i + 1u] = T(a * rotation.y + b * rotation.x);
}
