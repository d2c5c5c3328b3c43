// The zip container of a PyTorch checkpoint (torch.save since 1.6): read from a Blob, central
// directory first, each entry's data located through its local header. Only what torch.save
// writes is accepted: stored (uncompressed), unencrypted entries on one disk, zip64 records where
// sizes or offsets pass 4 GiB (an 11 GB text encoder). Every size and offset is checked against
// the file's real length before anything is read or allocated from it.
import { WeightsFormatError } from '../weights.ts';
import { readRange } from './blob_bytes.ts';

export interface ZipEntry {
  name: string;
  size: number;
  /** Where the entry's bytes begin in the file (after its local header). */
  dataBegin: number;
}

const EOCD = 0x06054b50;
const EOCD_BYTES = 22;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const CENTRAL_BYTES = 46;
const LOCAL = 0x04034b50;
const LOCAL_BYTES = 30;
/** The end record sits within the last 22 bytes plus a comment of at most 65535. */
const TAIL_BYTES = EOCD_BYTES + 0xffff;
/** A checkpoint's directory has an entry per tensor storage: thousands, not millions. */
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 100_000;
const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;

export class ZipArchive {
  private constructor(
    readonly label: string,
    readonly blob: Blob,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  static async open(blob: Blob, label: string): Promise<ZipArchive> {
    const bad = (why: string) => new WeightsFormatError(`${label}: ${why}`);
    const tailStart = Math.max(0, blob.size - TAIL_BYTES);
    const tail = await readRange(blob, tailStart, blob.size, label);
    const at = findEndRecord(tail);
    if (at < 0) throw bad(blob.size >= 2 && tail[0] === 0x80 ? 'is a PyTorch checkpoint in the legacy (pre-1.6, not zip) format, which is not supported' : 'is not a zip file (no end of central directory)');
    const end = new DataView(tail.buffer, tail.byteOffset + at, EOCD_BYTES);
    let count = end.getUint16(10, true);
    let directoryBytes = end.getUint32(12, true);
    let directoryOffset = end.getUint32(16, true);
    if (end.getUint16(4, true) !== 0 || end.getUint16(6, true) !== 0 || end.getUint16(8, true) !== count) throw bad('spans several disks');
    const endOffset = tailStart + at;
    let directoryLimit = endOffset;
    if (count === U16_MAX || directoryBytes === U32_MAX || directoryOffset === U32_MAX) {
      const zip64 = await readZip64End(blob, endOffset, label);
      ({ count, directoryBytes, directoryOffset } = zip64);
      directoryLimit = zip64.recordOffset;
    }
    if (directoryBytes > MAX_DIRECTORY_BYTES) throw bad(`central directory of ${directoryBytes} bytes is too large for a checkpoint`);
    if (directoryOffset + directoryBytes > directoryLimit) throw bad('central directory lies outside the file');
    if (count * CENTRAL_BYTES > directoryBytes) throw bad(`claims ${count} entries in a ${directoryBytes}-byte directory`);
    if (count > MAX_ENTRIES) throw bad(`has ${count} entries, more than a checkpoint has (${MAX_ENTRIES})`);
    const directory = await readRange(blob, directoryOffset, directoryOffset + directoryBytes, label);
    const entries = new Map<string, ZipEntry>();
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const { entry, next, localOffset } = readCentralEntry(directory, offset, label);
      offset = next;
      if (entries.has(entry.name)) throw bad(`entry ${entry.name} appears twice`);
      entry.dataBegin = await dataBeginOf(blob, localOffset, entry, directoryOffset, label);
      entries.set(entry.name, entry);
    }
    return new ZipArchive(label, blob, entries);
  }

  /** An entry's bytes, refused above `maxBytes` (before reading). */
  async read(name: string, maxBytes: number): Promise<Uint8Array> {
    const entry = this.entries.get(name);
    if (!entry) throw new WeightsFormatError(`${this.label}: has no ${name}`);
    if (entry.size > maxBytes) throw new WeightsFormatError(`${this.label}: ${name} is ${entry.size} bytes, more than the ${maxBytes} allowed`);
    return readRange(this.blob, entry.dataBegin, entry.dataBegin + entry.size, this.label);
  }
}

function findEndRecord(tail: Uint8Array): number {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = tail.byteLength - EOCD_BYTES; at >= 0; at--) {
    // The record's comment must run exactly to the end of the file.
    if (view.getUint32(at, true) === EOCD && at + EOCD_BYTES + view.getUint16(at + 20, true) === tail.byteLength) return at;
  }
  return -1;
}

async function readZip64End(blob: Blob, endOffset: number, label: string): Promise<{ count: number; directoryBytes: number; directoryOffset: number; recordOffset: number }> {
  const bad = (why: string) => new WeightsFormatError(`${label}: ${why}`);
  if (endOffset < 20) throw bad('has no zip64 locator');
  const locator = await readRange(blob, endOffset - 20, endOffset, label);
  const lv = new DataView(locator.buffer, locator.byteOffset, 20);
  if (lv.getUint32(0, true) !== ZIP64_LOCATOR) throw bad('has no zip64 locator');
  const recordOffset = safeU64(lv, 8, label, 'zip64 record offset');
  if (recordOffset + 56 > endOffset - 20) throw bad('zip64 end record lies outside the file');
  const record = await readRange(blob, recordOffset, recordOffset + 56, label);
  const rv = new DataView(record.buffer, record.byteOffset, 56);
  if (rv.getUint32(0, true) !== ZIP64_EOCD) throw bad('zip64 end record is missing');
  if (rv.getUint32(16, true) !== 0 || rv.getUint32(20, true) !== 0) throw bad('spans several disks');
  const count = safeU64(rv, 32, label, 'entry count');
  if (safeU64(rv, 24, label, 'entry count') !== count) throw bad('spans several disks');
  return { count, directoryBytes: safeU64(rv, 40, label, 'directory size'), directoryOffset: safeU64(rv, 48, label, 'directory offset'), recordOffset };
}

function safeU64(view: DataView, at: number, label: string, what: string): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new WeightsFormatError(`${label}: ${what} ${value} is past any file`);
  return Number(value);
}

function readCentralEntry(directory: Uint8Array, offset: number, label: string): { entry: ZipEntry; next: number; localOffset: number } {
  const bad = (why: string) => new WeightsFormatError(`${label}: ${why}`);
  if (offset + CENTRAL_BYTES > directory.byteLength) throw bad('central directory is cut short');
  const view = new DataView(directory.buffer, directory.byteOffset + offset, directory.byteLength - offset);
  if (view.getUint32(0, true) !== CENTRAL) throw bad('central directory entry has a bad signature');
  const flags = view.getUint16(8, true);
  const method = view.getUint16(10, true);
  let compressed = view.getUint32(20, true);
  let size = view.getUint32(24, true);
  const nameBytes = view.getUint16(28, true);
  const extraBytes = view.getUint16(30, true);
  const commentBytes = view.getUint16(32, true);
  let localOffset = view.getUint32(42, true);
  const next = offset + CENTRAL_BYTES + nameBytes + extraBytes + commentBytes;
  if (next > directory.byteLength) throw bad('central directory is cut short');
  const name = new TextDecoder().decode(directory.subarray(offset + CENTRAL_BYTES, offset + CENTRAL_BYTES + nameBytes));
  const shown = name.slice(0, 200);
  if (flags & 0x41) throw bad(`entry ${shown} is encrypted`);
  if (method !== 0) throw bad(`entry ${shown} is compressed (method ${method}); torch.save stores entries uncompressed, so this file was repacked or is not a checkpoint`);
  // Zip64 extra field: the 64-bit values of whichever fields are saturated, in this order.
  if (size === U32_MAX || compressed === U32_MAX || localOffset === U32_MAX) {
    const extra = findExtra(directory.subarray(offset + CENTRAL_BYTES + nameBytes, offset + CENTRAL_BYTES + nameBytes + extraBytes), 0x0001);
    if (!extra) throw bad(`entry ${shown} has saturated sizes but no zip64 field`);
    const ev = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
    let at = 0;
    const next64 = (what: string) => {
      if (at + 8 > extra.byteLength) throw bad(`entry ${shown}'s zip64 field is cut short`);
      const value = safeU64(ev, at, label, what);
      at += 8;
      return value;
    };
    if (size === U32_MAX) size = next64('size');
    if (compressed === U32_MAX) compressed = next64('compressed size');
    if (localOffset === U32_MAX) localOffset = next64('offset');
  }
  if (compressed !== size) throw bad(`entry ${shown} is stored but its sizes differ (${compressed} and ${size})`);
  return { entry: { name, size, dataBegin: -1 }, next, localOffset };
}

function findExtra(extra: Uint8Array, id: number): Uint8Array | undefined {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let at = 0; at + 4 <= extra.byteLength;) {
    const length = view.getUint16(at + 2, true);
    if (at + 4 + length > extra.byteLength) return undefined;
    if (view.getUint16(at, true) === id) return extra.subarray(at + 4, at + 4 + length);
    at += 4 + length;
  }
  return undefined;
}

/** The entry's data follows its local header, whose name and extra lengths may differ from the
 * central directory's (torch pads the local extra field to align data to 64 bytes). */
async function dataBeginOf(blob: Blob, localOffset: number, entry: ZipEntry, directoryOffset: number, label: string): Promise<number> {
  const bad = (why: string) => new WeightsFormatError(`${label}: entry ${entry.name.slice(0, 200)} ${why}`);
  if (localOffset + LOCAL_BYTES > directoryOffset) throw bad('has its header outside the file');
  const header = await readRange(blob, localOffset, localOffset + LOCAL_BYTES, label);
  const view = new DataView(header.buffer, header.byteOffset, LOCAL_BYTES);
  if (view.getUint32(0, true) !== LOCAL) throw bad('has a bad local header');
  if (view.getUint16(6, true) & 0x41) throw bad('is encrypted');
  if (view.getUint16(8, true) !== 0) throw bad(`is compressed (method ${view.getUint16(8, true)})`);
  const begin = localOffset + LOCAL_BYTES + view.getUint16(26, true) + view.getUint16(28, true);
  if (begin + entry.size > directoryOffset) throw bad(`claims ${entry.size} bytes, past the end of the data`);
  return begin;
}
