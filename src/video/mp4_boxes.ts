// Reading ISO BMFF (MP4) boxes: just enough of the format to walk a file's box tree.
//
// A box is [size u32][type 4cc] then its payload; size 1 means a u64 size follows the type,
// size 0 means "to the end of the enclosing range". Full boxes add [version u8][flags u24].

export interface Box {
  type: string;
  /** Offset of the box's first byte in the file. */
  start: number;
  /** Offset of the payload (after the header). */
  payload: number;
  /** Offset one past the box's last byte. */
  end: number;
}

export class Mp4FormatError extends Error {
  override name = 'Mp4FormatError';
}

/** The boxes in bytes [from, to) of `view`, in order. */
export function childBoxes(view: DataView, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    const type = fourCc(view, at + 4);
    let payload = at + 8;
    if (size === 1) {
      if (at + 16 > to) throw new Mp4FormatError(`the ${type} box at byte ${at} is cut off`);
      size = Number(view.getBigUint64(at + 8));
      payload = at + 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < payload - at || at + size > to) throw new Mp4FormatError(`the ${type} box at byte ${at} claims ${size} bytes, past the end of the file: the file is cut off`);
    boxes.push({ type, start: at, payload, end: at + size });
    at += size;
  }
  return boxes;
}

/** The first child of `parent` with `type`, or null. */
export function findChild(view: DataView, parent: Box, type: string): Box | null {
  return childBoxes(view, parent.payload, parent.end).find((box) => box.type === type) ?? null;
}

/** The box at `path` (e.g. ['mdia', 'minf', 'stbl']) under `parent`; throws when missing. */
export function requirePath(view: DataView, parent: Box, path: readonly string[]): Box {
  let box = parent;
  for (const type of path) {
    const next = findChild(view, box, type);
    if (!next) throw new Mp4FormatError(`the file has no ${[parent.type, ...path].join('/')} box`);
    box = next;
  }
  return box;
}

export function fourCc(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}

// Field readers bounded by the box: a field a damaged box is too short to hold is a format error,
// not a read of the next box's bytes (or a RangeError past the end of the file).

/** Checks that `bytes` bytes at `offset` into the box's payload lie inside the box; returns their file offset. */
export function fieldAt(box: Box, offset: number, bytes: number): number {
  const at = box.payload + offset;
  if (at + bytes > box.end) throw new Mp4FormatError(`the ${box.type} box at byte ${box.start} is too short (${box.end - box.payload} bytes) for its fields`);
  return at;
}

export function u8Field(view: DataView, box: Box, offset: number): number {
  return view.getUint8(fieldAt(box, offset, 1));
}

export function u16Field(view: DataView, box: Box, offset: number): number {
  return view.getUint16(fieldAt(box, offset, 2));
}

export function u32Field(view: DataView, box: Box, offset: number): number {
  return view.getUint32(fieldAt(box, offset, 4));
}

export function u64Field(view: DataView, box: Box, offset: number): number {
  return Number(view.getBigUint64(fieldAt(box, offset, 8)));
}

export function fourCcField(view: DataView, box: Box, offset: number): string {
  return fourCc(view, fieldAt(box, offset, 4));
}

/** A full box's version byte (flags follow in the next three bytes). */
export function versionOf(view: DataView, box: Box): number {
  return u8Field(view, box, 0);
}

/**
 * The u32 entries of a table box: [version/flags][entry count][entries…], each `width` u32s wide.
 * The count is checked against the bytes the box holds before anything is allocated: a damaged or
 * hostile count cannot ask for more memory than the file itself takes.
 */
export function u32Table(view: DataView, box: Box, width: number): Uint32Array {
  const count = u32Field(view, box, 4);
  const first = box.payload + 8;
  if (count > (box.end - first) / (width * 4)) throw new Mp4FormatError(`the ${box.type} table claims ${count} entries, more than its box holds: the file is damaged`);
  const out = new Uint32Array(count * width);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(first + i * 4);
  return out;
}
