// Wan 2.1's 3D RoPE, in place on q or k (shaders/rope.wgsl); CPU reference in ../reference/rope.ts.
import source from '../../../shaders/rope.wgsl?raw';
import { defineKernel, grid2d, type Precision } from '../kernel.ts';

// The cos/sin table the kernel reads: upload once per model (f32 whatever the precision).
export { ropeAxisPairs, ropeTable } from '../reference/rope.ts';

export interface RopeParams {
  /** The token grid: tokens ordered (frame, row, column) row-major, L = frames·height·width. */
  frames: number;
  height: number;
  width: number;
  heads: number;
  /** Even; the table must be built for the same head_dim. */
  headDim: number;
  /** Position of the first frame (0 in each chunk window). frameOffset + frames, height and width must not exceed the table's positions. */
  frameOffset?: number;
  precision: Precision;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 64;

/** x (L, heads, headDim) of type T, rotated in place; table (positions, headDim/2) of f32 (cos, sin). */
export const ropeKernel = defineKernel({
  name: 'rope.rope',
  code: source,
  entryPoint: 'rope',
  bindings: [
    ['x', 'storage'],
    ['table', 'read-only-storage'],
  ] as const,
  precision: (p: RopeParams) => p.precision,
  overrides: (p: RopeParams) => ({
    WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
    HEADS: p.heads,
    HEAD_DIM: p.headDim,
    FRAMES: p.frames,
    HEIGHT: p.height,
    WIDTH: p.width,
    FRAME_OFFSET: p.frameOffset ?? 0,
  }),
  // One invocation per (token, head, pair).
  grid: (p: RopeParams) =>
    grid2d(Math.ceil((p.frames * p.height * p.width * p.heads * (p.headDim / 2)) / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE))),
});
