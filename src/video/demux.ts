// Reading an MP4's video track back into encoded samples, for WebCodecs' VideoDecoder and for
// re-muxing without re-encoding (stitching clips, extending a clip).
//
// mp4-muxer only writes, so this is our own reader: the first video track's sample table
// (stsz sizes, stsc + stco/co64 chunk offsets, stts durations, ctts composition offsets, stss
// sync samples) and its decoder configuration from the sample entry (avcC, vpcC, av1C). It
// reads whole files in memory: clips here are at most a minute of small video.
import {
  childBoxes,
  findChild,
  fourCc,
  Mp4FormatError,
  requirePath,
  u32Table,
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
  const timescale = view.getUint32(mdhd.payload + (versionOf(view, mdhd) === 1 ? 20 : 12));
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
  return hdlr ? fourCc(view, hdlr.payload + 8) : null; // after version/flags and pre_defined
}

// ── Decoder configuration ───────────────────────────────────────────────────────────────────

// A VisualSampleEntry's fixed fields before its child boxes: 6 reserved + data_reference_index
// + 16 pre-defined/reserved + width, height + resolutions, reserved, frame_count, compressorname,
// depth, pre_defined.
const VISUAL_SAMPLE_ENTRY_BYTES = 78;

function decoderConfig(view: DataView, stsd: Box): DemuxedTrack['config'] {
  const [entry] = childBoxes(view, stsd.payload + 8, stsd.end); // after version/flags and entry count
  if (!entry) throw new Mp4FormatError('the video track has no sample description');
  const codedWidth = view.getUint16(entry.payload + 24);
  const codedHeight = view.getUint16(entry.payload + 26);
  const boxes = childBoxes(view, entry.payload + VISUAL_SAMPLE_ENTRY_BYTES, entry.end);
  const payloadOf = (type: string) => {
    const box = boxes.find((b) => b.type === type);
    if (!box) throw new Mp4FormatError(`the ${entry.type} sample entry has no ${type} box`);
    return new Uint8Array(view.buffer.slice(view.byteOffset + box.payload, view.byteOffset + box.end)) as Uint8Array<ArrayBuffer>;
  };
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  const two = (n: number) => String(n).padStart(2, '0');
  switch (entry.type) {
    case 'avc1':
    case 'avc3': {
      const avcC = payloadOf('avcC'); // [version, profile, compatibility, level, …]
      return { codec: `${entry.type}.${hex(avcC[1]!)}${hex(avcC[2]!)}${hex(avcC[3]!)}`, codedWidth, codedHeight, description: avcC };
    }
    case 'vp09': {
      const vpcC = payloadOf('vpcC'); // full box: [version, flags×3, profile, level, bitDepth:4|…]
      return { codec: `vp09.${two(vpcC[4]!)}.${two(vpcC[5]!)}.${two(vpcC[6]! >> 4)}`, codedWidth, codedHeight };
    }
    case 'av01': {
      const av1C = payloadOf('av1C'); // [marker|version, profile:3|level:5, tier:1|high_bitdepth:1|twelve_bit:1|…]
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

function sampleSizes(view: DataView, stsz: Box): Uint32Array {
  const uniform = view.getUint32(stsz.payload + 4);
  const count = view.getUint32(stsz.payload + 8);
  if (uniform !== 0) return new Uint32Array(count).fill(uniform);
  if (stsz.payload + 12 + count * 4 > stsz.end) throw new Mp4FormatError('the stsz table is cut off');
  return Uint32Array.from({ length: count }, (_, i) => view.getUint32(stsz.payload + 12 + i * 4));
}

/** File offset of every sample: chunks hold runs of consecutive samples (stsc), placed at stco/co64. */
function sampleOffsets(view: DataView, stsc: Box, chunkBox: Box | null, sizes: Uint32Array): Float64Array {
  if (!chunkBox) throw new Mp4FormatError('the file has no stco or co64 box');
  const runs = u32Table(view, stsc, 3); // (first_chunk 1-based, samples_per_chunk, description index)
  const chunkCount = view.getUint32(chunkBox.payload + 4);
  const chunkOffset = (c: number) =>
    chunkBox.type === 'co64' ? Number(view.getBigUint64(chunkBox.payload + 8 + c * 8)) : view.getUint32(chunkBox.payload + 8 + c * 4);
  if (chunkBox.payload + 8 + chunkCount * (chunkBox.type === 'co64' ? 8 : 4) > chunkBox.end) throw new Mp4FormatError(`the ${chunkBox.type} table is cut off`);

  const offsets = new Float64Array(sizes.length);
  let sample = 0;
  for (let r = 0; r < runs.length / 3; r++) {
    const firstChunk = runs[r * 3]! - 1;
    const lastChunk = r + 1 < runs.length / 3 ? runs[(r + 1) * 3]! - 1 : chunkCount;
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
