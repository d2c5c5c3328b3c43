// Several MP4 clips into one, in the browser. When every clip has the same codec configuration
// and size (clips made by the same model and settings do) the samples are copied into a new file
// as they are: no re-encode, no quality loss, fast. Otherwise every frame is decoded and encoded
// again at the first clip's size and frame rate.
import { familyOf, type CodecFamily } from './codec.ts';
import { decodeFrames, frameToRgba, trackFps } from './decode.ts';
import { demuxVideoTrack, type DemuxedTrack } from './demux.ts';
import { Mp4Writer, sameBytes } from './encode.ts';
import { Mp4Muxer } from './mux.ts';

export interface StitchedClip {
  mp4: Blob;
  frameCount: number;
  /** False when the samples were copied as they are. */
  reencoded: boolean;
  width: number;
  height: number;
  fps: number;
}

export async function stitchClips(clips: readonly Uint8Array<ArrayBuffer>[], onProgress?: (fraction: number) => void): Promise<StitchedClip> {
  if (clips.length < 2) throw new Error('pick at least two clips to stitch');
  const tracks = clips.map((bytes) => demuxVideoTrack(bytes));
  const first = tracks[0]!;
  const family = familyOf(first.config.codec);
  if (family && tracks.every((track) => sameStream(track, first))) return remux(clips, tracks, family, onProgress);
  return reencode(clips, tracks, onProgress);
}

/** Samples of `a` may follow samples of `b` in one track: same decoder config, no reordering. */
function sameStream(a: DemuxedTrack, b: DemuxedTrack): boolean {
  const bytesEqual = (x?: Uint8Array, y?: Uint8Array) => x === y || (!!x && !!y && sameBytes(x, y));
  const inOrder = (t: DemuxedTrack) => t.samples.every((s) => s.pts === s.dts);
  return (
    a.config.codec === b.config.codec &&
    a.config.codedWidth === b.config.codedWidth &&
    a.config.codedHeight === b.config.codedHeight &&
    bytesEqual(a.config.description, b.config.description) &&
    inOrder(a) && inOrder(b) &&
    a.samples[0]?.keyFrame === true
  );
}

function remux(clips: readonly Uint8Array<ArrayBuffer>[], tracks: DemuxedTrack[], family: CodecFamily, onProgress?: (fraction: number) => void): StitchedClip {
  const first = tracks[0]!;
  const { codedWidth: width, codedHeight: height } = first.config;
  const fps = trackFps(first);
  const muxer = new Mp4Muxer(family, width, height, fps);
  const meta: EncodedVideoChunkMetadata = { decoderConfig: { ...first.config } };
  let clock = 0; // µs where the current clip starts
  let frameCount = 0;
  for (const [c, track] of tracks.entries()) {
    const micros = (units: number) => Math.round((units * 1e6) / track.timescale);
    const start = track.samples[0]?.pts ?? 0;
    let end = clock;
    for (const sample of track.samples) {
      const timestamp = clock + micros(sample.pts - start);
      const duration = micros(sample.duration);
      const data = clips[c]!.subarray(sample.offset, sample.offset + sample.size);
      muxer.addSample(data, sample.keyFrame, timestamp, duration, frameCount === 0 ? meta : undefined);
      end = Math.max(end, timestamp + duration);
      frameCount += 1;
    }
    clock = end;
    onProgress?.((c + 1) / tracks.length);
  }
  return { mp4: muxer.finish(), frameCount, reencoded: false, width, height, fps };
}

async function reencode(clips: readonly Uint8Array<ArrayBuffer>[], tracks: DemuxedTrack[], onProgress?: (fraction: number) => void): Promise<StitchedClip> {
  const first = tracks[0]!.config;
  const [width, height] = [first.codedWidth, first.codedHeight];
  const fps = Math.round(trackFps(tracks[0]!)) || 12;
  const writer = await Mp4Writer.open({ width, height, fps });
  const total = tracks.reduce((sum, t) => sum + t.samples.length, 0);
  let frameCount = 0;
  try {
    for (const bytes of clips) {
      await decodeFrames(bytes, async (decoded) => {
        // Re-timed onto the output's frame grid, and scaled to the first clip's size.
        let rgba: Uint8Array<ArrayBuffer>;
        try {
          rgba = frameToRgba(decoded, width, height).rgba;
        } finally {
          decoded.close();
        }
        await writer.addRgba(rgba, frameCount);
        frameCount += 1;
        onProgress?.(frameCount / total);
      });
    }
    return { mp4: await writer.finish(), frameCount, reencoded: true, width, height, fps };
  } finally {
    writer.abort();
  }
}
