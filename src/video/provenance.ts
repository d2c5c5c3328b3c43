// Provenance in every generated MP4: it says it is AI-generated, by which model and version, with
// which seed, prompt and settings, by which generator, and when.
//
// Where it goes, and why there:
// - moov/udta/meta/ilst, the iTunes-style item list with ©too (tool), ©cmt (comment), desc
//   (description = the prompt) and ©day (creation time). ffprobe/ffmpeg show these as format
//   tags (encoder, comment, description, date; tested), exiftool prints them (checked by hand),
//   and they are the iTunes-style tags media players and file browsers read. One plain-language
//   comment makes the AI statement visible to a person without any special tool.
// - A top-level `uuid` box BE7ACFCB-97A9-42E8-9C71-999491E3AFAC with an XMP packet: where
//   Adobe's XMP specification (part 3) puts XMP in MP4 files, read by exiftool and by asset
//   managers (exiftool lists every field: checked by hand). It carries IPTC's DigitalSourceType "trainedAlgorithmicMedia" (the standard
//   machine-readable "made by a generative model" marker) and the whole record as JSON, which is
//   what readProvenance parses (provenance_xmp.ts).
// - Not a C2PA manifest: C2PA's value is a signature over the file by a certificate a validator
//   trusts; a page that runs offline has no such key to sign with, and an unsigned manifest says
//   no more than the XMP above while looking as if it did. C2PA can be added where a key exists.
//   Like all metadata, these boxes are lost when a file is re-encoded or stripped.
//
// Nothing that a chunk offset points to moves: mp4-muxer (fastStart: false) writes moov after
// mdat, so growing moov and appending the uuid box after it shift no media bytes, and the
// stco/co64 offsets stay right. A file whose moov comes before its media is refused rather than
// rewritten.
import { childBoxes, Mp4FormatError, type Box } from './mp4_boxes.ts';
import { box, concat, fourcc, fullBox, u32 } from './provenance_boxes.ts';
import type { Provenance } from './provenance_record.ts';
import { buildXmp, recordFromXmp } from './provenance_xmp.ts';
import { normalizePrompt } from '../model/prompt_text.mjs';

export { Mp4FormatError };
export type { Provenance };

const utf8 = new TextEncoder();

/** Adobe's UUID for XMP in ISO BMFF files (XMP Specification Part 3, 1.2.7). */
const XMP_UUID = Uint8Array.from([0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac]);

/** The one-line statement a person sees as the file's comment. */
export function provenanceComment(record: Provenance): string {
  return (
    `AI-generated video, made by ${record.generator} with the model ${record.model.name} ${record.model.version}, ` +
    `seed ${record.seed}. Prompt: ${record.prompt}`
  );
}

/** An iTunes metadata item: the key box holding one UTF-8 'data' box (type 1, locale 0). */
function ilstItem(key: string, value: string): Uint8Array {
  return box(key, fullBox('data', 0, 1, u32(0), utf8.encode(value)));
}

function metaBox(record: Provenance): Uint8Array {
  // hdlr 'mdir' (reserved field 'appl', empty name) is what marks meta as iTunes metadata.
  const hdlr = fullBox('hdlr', 0, 0, u32(0), fourcc('mdir'), fourcc('appl'), u32(0), u32(0), Uint8Array.of(0));
  const ilst = box(
    'ilst',
    ilstItem('\u00a9too', record.generator),
    ilstItem('\u00a9cmt', provenanceComment(record)),
    ilstItem('desc', record.prompt),
    ilstItem('\u00a9day', record.createdAt),
  );
  return fullBox('meta', 0, 0, hdlr, ilst);
}

function isXmpUuid(bytes: Uint8Array, b: Box): boolean {
  return b.type === 'uuid' && b.end - b.payload >= 16 && XMP_UUID.every((v, i) => bytes[b.payload + i] === v);
}

function children(view: DataView, parent: Box): Box[] {
  return childBoxes(view, parent.payload, parent.end);
}

function topLevel(mp4: Uint8Array): { view: DataView; boxes: Box[]; moov: Box } {
  const view = new DataView(mp4.buffer, mp4.byteOffset, mp4.byteLength);
  const boxes = childBoxes(view, 0, mp4.length);
  // childBoxes stops before a tail too short for a box header: that is a cut file too.
  const end = boxes.at(-1)?.end ?? 0;
  if (end !== mp4.length) throw new Mp4FormatError(`the MP4 ends inside a box header at byte ${end}: it is truncated`);
  const moovs = boxes.filter((b) => b.type === 'moov');
  if (moovs.length !== 1) {
    throw new Mp4FormatError(
      moovs.length === 0
        ? 'this is not a finished MP4 file: it has no moov box (it may be truncated)'
        : `this MP4 has ${moovs.length} moov boxes; a valid file has one`,
    );
  }
  return { view, boxes, moov: moovs[0]! };
}

/**
 * A copy of `mp4` that carries `record` (replacing any provenance it had). The prompt is written
 * as every check read it (normalizePrompt): invisible characters cannot hide a word in the
 * metadata, and no bidi override reorders how a player or file browser shows it.
 */
export function addProvenance(mp4: Uint8Array, given: Provenance): Uint8Array<ArrayBuffer> {
  const record: Provenance = { ...given, prompt: normalizePrompt(given.prompt) };
  const { view, boxes, moov } = topLevel(mp4);
  const moovIndex = boxes.indexOf(moov);
  const mediaAfter = boxes.slice(moovIndex + 1).find((b) => b.type === 'mdat' || b.type === 'moof');
  if (mediaAfter) {
    throw new Mp4FormatError(
      `this MP4 has its ${mediaAfter.type} box after its moov box: adding provenance would move the media and ` +
        'break its chunk offsets (only files with the metadata at the end, as Zoetrope writes them, are supported)',
    );
  }
  // udta keeps whatever else it held; our meta replaces any older one.
  const moovChildren = children(view, moov);
  const oldUdta = moovChildren.find((b) => b.type === 'udta');
  const keptInUdta = oldUdta ? children(view, oldUdta).filter((b) => b.type !== 'meta' && b.type !== 'XMP_') : [];
  const udta = box('udta', ...keptInUdta.map((b) => mp4.subarray(b.start, b.end)), metaBox(record));
  const newMoov = box('moov', ...moovChildren.filter((b) => b !== oldUdta).map((b) => mp4.subarray(b.start, b.end)), udta);
  // After moov only non-media boxes remain: drop an older XMP packet, keep the rest.
  const after = boxes.slice(moovIndex + 1).filter((b) => !isXmpUuid(mp4, b));
  const xmp = box('uuid', XMP_UUID, utf8.encode(buildXmp(record)));
  return concat([mp4.subarray(0, moov.start), newMoov, ...after.map((b) => mp4.subarray(b.start, b.end)), xmp]);
}

function isProvenance(value: unknown): value is Provenance {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const model = r.model as Record<string, unknown> | null | undefined;
  return (
    r.aiGenerated === true &&
    typeof r.generator === 'string' &&
    typeof model?.name === 'string' &&
    typeof model.version === 'string' &&
    typeof r.seed === 'number' &&
    typeof r.prompt === 'string' &&
    typeof r.settings === 'object' &&
    r.settings !== null &&
    typeof r.createdAt === 'string'
  );
}

/**
 * The provenance record in an MP4, or null if it has none. Throws Mp4FormatError for a file
 * that is not a complete MP4 (truncated, no moov) or whose record is damaged.
 */
export function readProvenance(mp4: Uint8Array): Provenance | null {
  const { view, boxes, moov } = topLevel(mp4);
  // The top-level XMP uuid (ours), else udta/XMP_ where QuickTime-minded tools put XMP.
  const uuid = boxes.filter((b) => isXmpUuid(mp4, b)).at(-1);
  const udta = children(view, moov).find((b) => b.type === 'udta');
  const udtaXmp = udta ? children(view, udta).find((b) => b.type === 'XMP_') : undefined;
  const packet = uuid ? mp4.subarray(uuid.payload + 16, uuid.end) : udtaXmp ? mp4.subarray(udtaXmp.payload, udtaXmp.end) : null;
  if (!packet) return null;
  let record: unknown;
  try {
    record = recordFromXmp(new TextDecoder('utf-8', { fatal: true }).decode(packet));
  } catch (error) {
    throw new Mp4FormatError(`this MP4's provenance record is damaged (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (record === null) return null;
  if (!isProvenance(record)) throw new Mp4FormatError("this MP4's provenance record is missing fields");
  return record;
}
