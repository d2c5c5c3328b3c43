// CPU reference for shaders/rope.wgsl (float64), and Wan 2.1's 3D RoPE frequencies, which the
// kernel's cos/sin table is built from (ropeTable in ../ops/rope.ts re-exports it).

/** Complex pairs per axis (frame, row, column) for a head dimension: [22, 21, 21] at 128. */
export function ropeAxisPairs(headDim: number): [number, number, number] {
  const spatial = Math.floor(headDim / 6);
  return [headDim / 2 - 2 * spatial, spatial, spatial];
}

/**
 * ω of every pair j < headDim/2 and the axis (0 frame, 1 row, 2 column) it rotates with. Each
 * axis has its own base: pair k of an axis with n pairs has ω = θ^(−2k / 2n) (Wan's rope_params
 * over a dimension of 2n).
 */
export function ropeFrequencies(headDim: number, theta = 10000): { omega: Float64Array; axis: Uint8Array } {
  const omega = new Float64Array(headDim / 2);
  const axis = new Uint8Array(headDim / 2);
  let j = 0;
  ropeAxisPairs(headDim).forEach((pairs, a) => {
    for (let k = 0; k < pairs; k++, j++) {
      omega[j] = theta ** (-(2 * k) / (2 * pairs));
      axis[j] = a;
    }
  });
  return { omega, axis };
}

/**
 * The kernel's table: for positions 0 … positions−1 and every pair j, (cos p·ωⱼ, sin p·ωⱼ) in
 * float64 rounded to f32, laid out (positions, headDim/2, 2). Wan builds 1024 positions.
 */
export function ropeTable(headDim: number, positions = 1024, theta = 10000): Float32Array {
  const { omega } = ropeFrequencies(headDim, theta);
  const half = headDim / 2;
  const table = new Float32Array(positions * half * 2);
  for (let p = 0; p < positions; p++) {
    for (let j = 0; j < half; j++) {
      table[(p * half + j) * 2] = Math.cos(p * omega[j]!);
      table[(p * half + j) * 2 + 1] = Math.sin(p * omega[j]!);
    }
  }
  return table;
}

export interface RopeShape {
  frames: number;
  height: number;
  width: number;
  heads: number;
  headDim: number;
  frameOffset?: number;
  theta?: number;
}

/** x laid out (frames·height·width, heads, headDim), tokens (f, h, w) row-major; returns a copy rotated. */
export function rope(x: ArrayLike<number>, s: RopeShape): Float64Array {
  const { omega, axis } = ropeFrequencies(s.headDim, s.theta);
  const y = Float64Array.from(x);
  const half = s.headDim / 2;
  for (let f = 0, token = 0; f < s.frames; f++) {
    for (let h = 0; h < s.height; h++) {
      for (let w = 0; w < s.width; w++, token++) {
        const position = [f + (s.frameOffset ?? 0), h, w];
        for (let head = 0; head < s.heads; head++) {
          for (let j = 0; j < half; j++) {
            const angle = position[axis[j]!]! * omega[j]!;
            const i = (token * s.heads + head) * s.headDim + 2 * j;
            const [a, b] = [x[i]!, x[i + 1]!];
            y[i] = a * Math.cos(angle) - b * Math.sin(angle);
            y[i + 1] = a * Math.sin(angle) + b * Math.cos(angle);
          }
        }
      }
    }
  }
  return y;
}
