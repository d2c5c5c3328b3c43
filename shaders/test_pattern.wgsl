// Synthetic test pattern: a frame split into four quadrants whose colours rotate through a
// palette from frame to frame. It exercises the video path (GPU frame → encoder → MP4) with
// content that survives lossy coding and can be checked by its mean colour per quadrant.
//
// Quadrant q (0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right) of frame f takes
// palette[(f + q) % PALETTE_SIZE]. The palette comes in the uniform buffer so it is written in
// one place (src/video/test_pattern.ts), which is also the CPU reference.
//
// Output: packed RGBA8 (pack4x8unorm), one u32 per pixel, rows of `width` pixels.

override WORKGROUP_SIZE: u32 = 8u;

const PALETTE_SIZE: u32 = 6u;

struct Params {
  frame: u32,
  width: u32,
  height: u32,
  palette: array<vec4<f32>, PALETTE_SIZE>,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> pixels: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE, WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x >= params.width || id.y >= params.height) { return; }
  let right = select(0u, 1u, id.x >= params.width / 2u);
  let bottom = select(0u, 2u, id.y >= params.height / 2u);
  let colour = params.palette[(params.frame + right + bottom) % PALETTE_SIZE];
  pixels[id.y * params.width + id.x] = pack4x8unorm(colour);
}
