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

/** A full box's version byte (flags follow in the next three bytes). */
export function versionOf(view: DataView, box: Box): number {
  return view.getUint8(box.payload);
}

/** The u32 entries of a table box: [version/flags][entry count][entries…], each `width` u32s wide. */
export function u32Table(view: DataView, box: Box, width: number): Uint32Array {
  const count = view.getUint32(box.payload + 4);
  const first = box.payload + 8;
  if (first + count * width * 4 > box.end) throw new Mp4FormatError(`the ${box.type} table is cut off`);
  const out = new Uint32Array(count * width);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint32(first + i * 4);
  return out;
}
