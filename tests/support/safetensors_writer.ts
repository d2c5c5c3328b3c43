// Writes safetensors bytes in the test process, to check the reader against files with known content.

export interface TensorSpec {
  dtype: 'F32' | 'F16' | 'BF16';
  shape: number[];
  /** Raw little-endian element bytes. */
  data: Uint8Array;
}

export function writeSafetensors(tensors: Record<string, TensorSpec>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // data starts 8-byte aligned, as the spec asks
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const t of Object.values(tensors)) {
    out.set(t.data, at);
    at += t.data.byteLength;
  }
  return out;
}

export const bytesOf = (typed: Float32Array | Uint16Array) => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
