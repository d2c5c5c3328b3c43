// Rewrites a torch.save zip so that every central-directory entry keeps its sizes and offset in a
// zip64 extra field (as a checkpoint over 4 GiB has them: the 11 GB text encoder), optionally with
// one entry's size replaced: the reader's zip64 path tested on a real file without writing 4 GiB.
const CENTRAL = 0x02014b50;
const ZIP64_EOCD = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const EOCD = 0x06054b50;

export function withZip64Entries(zip: Uint8Array, sizeOverride?: { entry: string; size: bigint }): Uint8Array<ArrayBuffer> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const find = (signature: number) => {
    for (let at = zip.length - 4; at >= 0; at--) if (view.getUint32(at, true) === signature) return at;
    throw new Error(`no record ${signature.toString(16)}`);
  };
  const zip64End = find(ZIP64_EOCD);
  const directoryOffset = Number(view.getBigUint64(zip64End + 48, true));
  const directoryBytes = Number(view.getBigUint64(zip64End + 40, true));
  const parts: Uint8Array[] = [];
  for (let at = directoryOffset; at < directoryOffset + directoryBytes;) {
    if (view.getUint32(at, true) !== CENTRAL) throw new Error('not a central directory entry');
    const nameBytes = view.getUint16(at + 28, true);
    const extraBytes = view.getUint16(at + 30, true);
    const commentBytes = view.getUint16(at + 32, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameBytes));
    const size = sizeOverride?.entry === name ? sizeOverride.size : BigInt(view.getUint32(at + 24, true));
    const entry = new Uint8Array(46 + nameBytes + extraBytes + 28 + commentBytes);
    entry.set(zip.subarray(at, at + 46 + nameBytes + extraBytes));
    const ev = new DataView(entry.buffer);
    ev.setUint32(20, 0xffffffff, true);
    ev.setUint32(24, 0xffffffff, true);
    ev.setUint32(42, 0xffffffff, true);
    ev.setUint16(30, extraBytes + 28, true);
    const extra = 46 + nameBytes + extraBytes;
    ev.setUint16(extra, 0x0001, true);
    ev.setUint16(extra + 2, 24, true);
    ev.setBigUint64(extra + 4, size, true);
    ev.setBigUint64(extra + 12, size, true);
    ev.setBigUint64(extra + 20, BigInt(view.getUint32(at + 42, true)), true);
    entry.set(zip.subarray(at + 46 + nameBytes + extraBytes, at + 46 + nameBytes + extraBytes + commentBytes), extra + 28);
    parts.push(entry);
    at += 46 + nameBytes + extraBytes + commentBytes;
  }
  const directory = concat(parts);
  const tail = new Uint8Array(zip.subarray(directoryOffset + directoryBytes));
  const tv = new DataView(tail.buffer);
  const shift = directory.length - directoryBytes;
  tv.setBigUint64(40, BigInt(directory.length), true); // zip64 end record: directory size
  const locator = tailIndexOf(tv, ZIP64_LOCATOR);
  tv.setBigUint64(locator + 8, tv.getBigUint64(locator + 8, true) + BigInt(shift), true);
  const end = tailIndexOf(tv, EOCD);
  tv.setUint32(end + 12, 0xffffffff, true); // sizes now only in the zip64 record
  tv.setUint32(end + 16, 0xffffffff, true);
  return concat([zip.subarray(0, directoryOffset), directory, tail]);
}

function tailIndexOf(view: DataView, signature: number): number {
  for (let at = view.byteLength - 4; at >= 0; at--) if (view.getUint32(at, true) === signature) return at;
  throw new Error(`no record ${signature.toString(16)}`);
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
