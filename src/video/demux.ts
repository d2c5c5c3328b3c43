// Reading an MP4's video track back into encoded samples, for WebCodecs' VideoDecoder and for
// re-muxing without re-encoding (stitching clips, extending a clip).
//
// mp4-muxer only writes, so this is our own reader: the first video track's sample table
// (stsz sizes, stsc + stco/co64 chunk offsets, stts durations, ctts composition offsets, stss
// sync samples) and its decoder configuration from the sample entry (avcC, vpcC, av1C). It
// reads whole files in memory: clips here are at most a minute of small video.
//
// The files come from outside (a picked clip, the history's stored bytes, the CLI's --extend), so
// every count and size in the tables is checked against the file's real length and MAX_SAMPLES
// before anything is allocated from it: a damaged or hostile table ends in an Mp4FormatError,
// never in a multi-gigabyte allocation.
import {
  childBoxes,
  findChild,
  fourCc,
  fourCcField,
  Mp4FormatError,
  requirePath,
  u16Field,
  u32Field,
  u32Table,
  u64Field,
  versionOf,
  type Box,
} from './mp4_boxes.ts';

export { Mp4FormatError };

export interface DemuxedSample {
  /** Byte range of the sample in the file. */
  offset: number;
  size: number;
  /** Decode and presentation time and duration, in the track's timescale. */
  dts: number;
  pts: number;
  duration: number;
  keyFrame: boolean;
}

export interface DemuxedTrack {
  /** WebCodecs decoder config: codec string, coded size and (for H.264/AV1) the codec box. */
  config: { codec: string; codedWidth: number; codedHeight: number; description?: Uint8Array<ArrayBuffer> };
  /** Units per second of the sample times. */
  timescale: number;
  samples: DemuxedSample[];
}

/**
 * The most samples (frames) a video track may have: an hour at 30 fps, far beyond any clip
 * Zoetrope makes (60 s) or stitches, and small enough that the tables' arrays stay a few MB.
 */
export const MAX_SAMPLES = 108_000;

/** Boxes an MP4 file may start with. */
const TOP_LEVEL_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide']);

export function demuxVideoTrack(bytes: Uint8Array<ArrayBuffer>): DemuxedTrack {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.byteLength < 8 || !TOP_LEVEL_BOXES.has(fourCc(view, 4))) throw new Mp4FormatError('this is not an MP4 file');
  const moov = childBoxes(view, 0, view.byteLength).find((box) => box.type === 'moov');
  if (!moov) throw new Mp4FormatError('this is not a finished MP4 file: it has no moov box');
  const trak = childBoxes(view, moov.payload, moov.end).find((box) => box.type === 'trak' && handlerOf(view, box) === 'vide');
  if (!trak) throw new Mp4FormatError('the MP4 file has no video track');
  const mdhd = requirePath(view, trak, ['mdia', 'mdhd']);
  const stbl = requirePath(view, trak, ['mdia', 'minf', 'stbl']);
  const timescale = u32Field(view, mdhd, versionOf(view, mdhd) === 1 ? 20 : 12);
  if (timescale === 0) throw new Mp4FormatError('the video track has a timescale of 0');
  return { config: decoderConfig(view, requirePath(view, stbl, ['stsd'])), timescale, samples: sampleTable(view, stbl) };
}

/** The samples' EncodedVideoChunks, timestamps in microseconds. */
export function encodedChunks(bytes: Uint8Array<ArrayBuffer>, track: DemuxedTrack): EncodedVideoChunk[] {
  const micros = (units: number) => Math.round((units * 1e6) / track.timescale);
  return track.samples.map((sample) => new EncodedVideoChunk({
    type: sample.keyFrame ? 'key' : 'delta',
    timestamp: micros(sample.pts),
    duration: micros(sample.duration),
    data: bytes.subarray(sample.offset, sample.offset + sample.size),
  }));
}

function handlerOf(view: DataView, trak: Box): string | null {
  const mdia = findChild(view, trak, 'mdia');
  const hdlr = mdia && findChild(view, mdia, 'hdlr');
  return hdlr ? fourCcField(view, hdlr, 8) : null; // after version/flags and pre_defined
}

// ── Decoder configuration ───────────────────────────────────────────────────────────────────

// A VisualSampleEntry's fixed fields before its child boxes: 6 reserved + data_reference_index
// + 16 pre-defined/reserved + width, height + resolutions, reserved, frame_count, compressorname,
// depth, pre_defined.
const VISUAL_SAMPLE_ENTRY_BYTES = 78;

function decoderConfig(view: DataView, stsd: Box): DemuxedTrack['config'] {
  const entries = stsd.payload + 8; // after version/flags and entry count
  const [entry] = entries <= stsd.end ? childBoxes(view, entries, stsd.end) : [];
  if (!entry) throw new Mp4FormatError('the video track has no sample description');
  const codedWidth = u16Field(view, entry, 24);
  const codedHeight = u16Field(view, entry, 26);
  if (codedWidth === 0 || codedHeight === 0) throw new Mp4FormatError(`the video track says its frames are ${codedWidth}×${codedHeight} pixels`);
  if (entry.payload + VISUAL_SAMPLE_ENTRY_BYTES > entry.end) throw new Mp4FormatError(`the ${entry.type} sample entry is too short`);
  const boxes = childBoxes(view, entry.payload + VISUAL_SAMPLE_ENTRY_BYTES, entry.end);
  /** The codec box's payload; `least` is the fewest bytes the fields read below need. */
  const payloadOf = (type: string, least: number) => {
    const box = boxes.find((b) => b.type === type);
    if (!box) throw new Mp4FormatError(`the ${entry.type} sample entry has no ${type} box`);
    if (box.end - box.payload < least) throw new Mp4FormatError(`the ${type} box is too short`);
    return new Uint8Array(view.buffer.slice(view.byteOffset + box.payload, view.byteOffset + box.end)) as Uint8Array<ArrayBuffer>;
  };
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const two = (n: number) => String(n).padStart(2, '0');
  switch (entry.type) {
    case 'avc1':
    case 'avc3': {
      const avcC = payloadOf('avcC', 4); // [version, profile, compatibility, level, …]
      return { codec: `${entry.type}.${hex(avcC[1]!)}${hex(avcC[2]!)}${hex(avcC[3]!)}`, codedWidth, codedHeight, description: avcC };
    }
    case 'vp09': {
      const vpcC = payloadOf('vpcC', 7); // full box: [version, flags×3, profile, level, bitDepth:4|…]
      return { codec: `vp09.${two(vpcC[4]!)}.${two(vpcC[5]!)}.${two(vpcC[6]! >> 4)}`, codedWidth, codedHeight };
    }
    case 'av01': {
      const av1C = payloadOf('av1C', 3); // [marker|version, profile:3|level:5, tier:1|high_bitdepth:1|twelve_bit:1|…]
      const profile = av1C[1]! >> 5;
      const level = av1C[1]! & 0x1f;
      const tier = av1C[2]! & 0x80 ? 'H' : 'M';
      const depth = av1C[2]! & 0x40 ? (av1C[2]! & 0x20 ? 12 : 10) : 8;
      return { codec: `av01.${profile}.${two(level)}${tier}.${two(depth)}`, codedWidth, codedHeight, description: av1C };
    }
    default:
      throw new Mp4FormatError(`the video is coded as ${entry.type}, which Zoetrope does not read (it reads H.264, VP9 and AV1)`);
  }
}

// ── Sample table ────────────────────────────────────────────────────────────────────────────

function sampleTable(view: DataView, stbl: Box): DemuxedSample[] {
  const table = (type: string) => findChild(view, stbl, type);
  const sizes = sampleSizes(view, requirePath(view, stbl, ['stsz']));
  const count = sizes.length;
  const offsets = sampleOffsets(view, requirePath(view, stbl, ['stsc']), table('stco') ?? table('co64'), sizes);
  const durations = runLengths(u32Table(view, requirePath(view, stbl, ['stts']), 2), count, 'stts');
  const ctts = table('ctts');
  // Version 1 ctts offsets are signed; version 0 ones were meant unsigned but readers treat them alike.
  const compositionOffsets = ctts ? runLengths(u32Table(view, ctts, 2), count, 'ctts').map((v) => v | 0) : null;
  const stss = table('stss');
  const sync = stss ? new Set(Array.from(u32Table(view, stss, 1), (n) => n - 1)) : null;

  const samples: DemuxedSample[] = [];
  let dts = 0;
  for (let i = 0; i < count; i++) {
    const duration = durations[i]!;
    samples.push({
      offset: offsets[i]!,
      size: sizes[i]!,
      dts,
      pts: dts + (compositionOffsets?.[i] ?? 0),
      duration,
      keyFrame: sync ? sync.has(i) : true,
    });
    dts += duration;
  }
  for (const sample of samples) {
    if (sample.offset + sample.size > view.byteLength) throw new Mp4FormatError('a video sample lies past the end of the file: the file is cut off');
  }
  return samples;
}

/**
 * Every sample's size. Each sample is bytes of the file, so together they cannot be more than the
 * file: that, and MAX_SAMPLES, bound the count before the array is made.
 */
function sampleSizes(view: DataView, stsz: Box): Uint32Array {
  const uniform = u32Field(view, stsz, 4);
  const count = u32Field(view, stsz, 8);
  if (count > MAX_SAMPLES) throw new Mp4FormatError(`the video track claims ${count} frames; Zoetrope reads clips of at most ${MAX_SAMPLES} frames`);
  if (uniform !== 0) {
    if (uniform * count > view.byteLength) throw new Mp4FormatError(`the video track claims ${count} frames of ${uniform} bytes each, more than the whole file (${view.byteLength} bytes): the file is damaged`);
    return new Uint32Array(count).fill(uniform);
  }
  if (count > (stsz.end - stsz.payload - 12) / 4) throw new Mp4FormatError('the stsz table is cut off');
  const sizes = Uint32Array.from({ length: count }, (_, i) => view.getUint32(stsz.payload + 12 + i * 4));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total > view.byteLength) throw new Mp4FormatError(`the video track's frames claim ${total} bytes, more than the whole file (${view.byteLength} bytes): the file is damaged`);
  return sizes;
}

/** File offset of every sample: chunks hold runs of consecutive samples (stsc), placed at stco/co64. */
function sampleOffsets(view: DataView, stsc: Box, chunkBox: Box | null, sizes: Uint32Array): Float64Array {
  if (!chunkBox) throw new Mp4FormatError('the file has no stco or co64 box');
  const runs = u32Table(view, stsc, 3); // (first_chunk 1-based, samples_per_chunk, description index)
  const chunkCount = u32Field(view, chunkBox, 4);
  const entryBytes = chunkBox.type === 'co64' ? 8 : 4;
  if (chunkCount > (chunkBox.end - chunkBox.payload - 8) / entryBytes) throw new Mp4FormatError(`the ${chunkBox.type} table is cut off`);
  const chunkOffset = (c: number) => (entryBytes === 8 ? u64Field(view, chunkBox, 8 + c * 8) : u32Field(view, chunkBox, 8 + c * 4));

  const offsets = new Float64Array(sizes.length);
  let sample = 0;
  const runCount = runs.length / 3;
  for (let r = 0; r < runCount; r++) {
    const firstChunk = runs[r * 3]! - 1;
    // Runs name ascending chunks (so the loops below visit each chunk at most once); chunks past
    // the stco/co64 table do not exist.
    const lastChunk = Math.min(r + 1 < runCount ? runs[(r + 1) * 3]! - 1 : chunkCount, chunkCount);
    if (firstChunk < 0 || (r > 0 && firstChunk <= runs[(r - 1) * 3]! - 1)) throw new Mp4FormatError('the stsc table lists its chunks out of order: the file is damaged');
    const perChunk = runs[r * 3 + 1]!;
    for (let c = firstChunk; c < lastChunk && sample < sizes.length; c++) {
      let at = chunkOffset(c);
      for (let k = 0; k < perChunk && sample < sizes.length; k++) {
        offsets[sample] = at;
        at += sizes[sample]!;
        sample++;
      }
    }
  }
  if (sample !== sizes.length) throw new Mp4FormatError(`the chunk tables place ${sample} of ${sizes.length} samples`);
  return offsets;
}

/** Expands (count, value) pairs to one value per sample. */
function runLengths(pairs: Uint32Array, count: number, type: string): Uint32Array {
  const out = new Uint32Array(count);
  let i = 0;
  for (let p = 0; p < pairs.length / 2 && i < count; p++) {
    for (let k = 0; k < pairs[p * 2]! && i < count; k++) out[i++] = pairs[p * 2 + 1]!;
  }
  if (i !== count) throw new Mp4FormatError(`the ${type} table covers ${i} of ${count} samples`);
  return out;
}
