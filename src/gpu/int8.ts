// Symmetric int8 weights with one scale per output channel (per row of a Linear's (out, in)
// weight), the text encoder's storage: 1 byte per weight instead of 2, so umT5-XXL's 4.7 B block
// parameters take 4.7 GB of GPU memory instead of 9.4 GB.
//
// Row r is stored as q[r, k] = round(w[r, k] / s[r]) with s[r] = max_k |w[r, k]| / 127, so each
// weight is off by at most s[r]/2 (half a step of its own row's grid, never a neighbour's).
// The bytes are packed four to a u32, little-endian (k = 4j in the low byte of word j), each row
// padded with zero bytes to whole words: that is what shaders/matmul_int8.wgsl reads.

export interface Int8Rows {
  /** rows × wordsPerRow(columns) words, four signed bytes each. */
  packed: Uint32Array<ArrayBuffer>;
  /** One f32 scale per row. */
  scales: Float32Array<ArrayBuffer>;
  rows: number;
  columns: number;
}

/** Words per packed row: the row's bytes rounded up to whole u32s. */
export const wordsPerRow = (columns: number): number => Math.ceil(columns / 4);

/** Quantizes a row-major (rows, columns) matrix to int8 with a scale per row. */
export function quantizeRowsInt8(values: ArrayLike<number>, rows: number, columns: number): Int8Rows {
  if (values.length !== rows * columns) throw new RangeError(`int8: ${values.length} values are not ${rows}×${columns}`);
  const words = wordsPerRow(columns);
  const packed = new Uint32Array(rows * words);
  const bytes = new Int8Array(packed.buffer);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < columns; c++) max = Math.max(max, Math.abs(values[r * columns + c]!));
    // An all-zero row keeps scale 0 and zero bytes: it dequantizes to zeros exactly.
    const scale = max / 127;
    scales[r] = scale;
    if (scale === 0) continue;
    for (let c = 0; c < columns; c++) {
      // The byte order of an Int8Array over the words is the platform's; every WebGPU host is little-endian.
      bytes[r * words * 4 + c] = Math.max(-127, Math.min(127, Math.round(values[r * columns + c]! / scale)));
    }
  }
  return { packed, scales, rows, columns };
}

/** The values the GPU computes with: q·s, row by row (for references and error bounds). */
export function dequantizeRowsInt8({ packed, scales, rows, columns }: Int8Rows): Float32Array {
  const words = wordsPerRow(columns);
  const bytes = new Int8Array(packed.buffer, packed.byteOffset, packed.byteLength);
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) out[r * columns + c] = bytes[r * words * 4 + c]! * scales[r]!;
  }
  return out;
}
