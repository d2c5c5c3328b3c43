// Building small ISO BMFF (MP4) boxes for the provenance metadata. Reading boxes is
// mp4_boxes.ts's job; this is the writing half: [size u32][type 4cc][payload], full boxes with
// [version u8][flags u24] first.

export function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** A four-character code; iTunes keys such as "©cmt" are Latin-1 (© is 0xA9). */
export function fourcc(type: string): Uint8Array {
  if (type.length !== 4) throw new Error(`box type "${type}" is not four characters`);
  return Uint8Array.from(type, (c) => c.charCodeAt(0));
}

export function box(type: string, ...payload: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const size = 8 + payload.reduce((sum, p) => sum + p.length, 0);
  if (size > 0xffffffff) throw new Error(`'${type}' box too large for a 32-bit size`);
  return concat([u32(size), fourcc(type), ...payload]);
}

/** A "full box": version (8 bits) and flags (24 bits) before the payload. */
export function fullBox(type: string, version: number, flags: number, ...payload: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return box(type, u32(((version & 0xff) << 24) | (flags & 0xffffff)), ...payload);
}
