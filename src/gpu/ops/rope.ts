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
  /**
   * Position of the first frame (0 in each chunk window). frameOffset + frames, height and width
   * must not exceed the table's positions. Read from the `params` uniform (ropeUniforms), not
   * compiled into the pipeline.
   */
  frameOffset?: number;
  precision: Precision;
  workgroupSize?: number;
}

const DEFAULT_WORKGROUP_SIZE = 64;

/** The `params` uniform buffer (struct Params in the shader): the frame offset, padded to 16 bytes. */
export function ropeUniforms(p: Pick<RopeParams, 'frameOffset'>): Uint32Array<ArrayBuffer> {
  return new Uint32Array([p.frameOffset ?? 0, 0, 0, 0]);
}

/**
 * x (L, heads, headDim) of type T, rotated in place; table (positions, headDim/2) of f32 (cos, sin);
 * params from ropeUniforms (the frame offset is a uniform: one pipeline for every chunk).
 */
export const ropeKernel = defineKernel({
  name: 'rope.rope',
  code: source,
  entryPoint: 'rope',
  bindings: [
    ['x', 'storage'],
    ['table', 'read-only-storage'],
    ['params', 'uniform'],
  ] as const,
  precision: (p: RopeParams) => p.precision,
  overrides: (p: RopeParams) => ({
    WORKGROUP_SIZE: p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE,
    HEADS: p.heads,
    HEAD_DIM: p.headDim,
    FRAMES: p.frames,
    HEIGHT: p.height,
    WIDTH: p.width,
  }),
  // One invocation per (token, head, pair).
  grid: (p: RopeParams) =>
    grid2d(Math.ceil((p.frames * p.height * p.width * p.heads * (p.headDim / 2)) / (p.workgroupSize ?? DEFAULT_WORKGROUP_SIZE))),
});
