// An edit of one clip without crossfades (a trim, titles) that re-encodes only what changes: each
// group of pictures (a keyframe and the frames up to the next) that the edit keeps whole and draws
// nothing on is copied as it is; the frames around the titles and a trim's cut-open group are
// decoded, drawn on and encoded again, each run of them starting on a keyframe. Only the groups
// with a frame to encode again are decoded.
//
// One track has one decoder configuration, so copying needs the encoder to make the same one as
// the clip has (it does for clips this app encoded, at the same size and codec). When it makes
// another, or the clip's codec or sample order rules copying out, this returns null and the edit
// re-encodes every frame (edit.ts), as before.
import { chooseCodec, DEFAULT_CODEC_ORDER, familyOf } from './codec.ts';
import { decodeFrames, frameToRgba, trackFps } from './decode.ts';
import { demuxVideoTrack, type DemuxedTrack } from './demux.ts';
import { DescriptionMismatch, isEncoderConfigSupported, Mp4Writer } from './encode.ts';
import { drawTitles, loadTitleFonts, titleAlpha, type Title } from './titles.ts';

/** A clip and the frames of it kept, [first, end) (edit.ts's EditPart). */
export interface SplicePart {
  bytes: Uint8Array<ArrayBuffer>;
  keep: [number, number];
}

/** The edited clip (edit.ts's EditedClip), with how many of its frames were copied, and how many decoded. */
export interface SplicedClip {
  mp4: Blob;
  frameCount: number;
  width: number;
  height: number;
  fps: number;
  copiedFrames: number;
  /** Frames of the source decoded: those encoded again and the rest of their groups, not the copied ones. */
  decodedFrames: number;
}

/** Source frames [first, end) of each group of pictures the edit can copy, in order. */
export function copyableGroups(keyFrames: readonly boolean[], keep: readonly [number, number], titles: readonly Title[], fps: number): [number, number][] {
  const [from, to] = keep;
  const starts = keyFrames.flatMap((key, i) => (key ? [i] : []));
  const groups: [number, number][] = [];
  starts.forEach((first, g) => {
    const end = starts[g + 1] ?? keyFrames.length;
    if (first < from || end > to) return;
    for (let i = first; i < end; i++) if (titles.some((title) => titleAlpha(title, i - from, fps) > 0)) return;
    groups.push([first, end]);
  });
  return groups;
}

/** The edited clip with some groups copied (`copiedFrames` of them), or null when copying is ruled out. */
export async function spliceEdit(part: SplicePart, titles: readonly Title[], onProgress?: (fraction: number) => void): Promise<SplicedClip | null> {
  const track = demuxVideoTrack(part.bytes);
  const fps = Math.round(trackFps(track)) || 12;
  const description = track.config.description;
  if (!description || !inOrderFromAKeyframe(track)) return null;
  const groups = copyableGroups(track.samples.map((s) => s.keyFrame), part.keep, titles, fps);
  if (groups.length === 0) return null;
  const { codedWidth: width, codedHeight: height } = track.config;
  // The writer must pick the clip's codec family; the decoder configuration itself (profile,
  // level, parameter sets) is compared on the encoder's first output (expectDescription).
  const choice = await chooseCodec(width, height, fps, DEFAULT_CODEC_ORDER, isEncoderConfigSupported);
  if (!choice || choice.family !== familyOf(track.config.codec)) return null;
  if (titles.length > 0) await loadTitleFonts();

  const [from, to] = part.keep;
  const total = to - from;
  const copied = new Set(groups.flatMap(([first, end]) => Array.from({ length: end - first }, (_, k) => first + k)));
  const writer = await Mp4Writer.open({ width, height, fps, expectDescription: description });
  let written = 0;
  /** Whether the next encoded frame starts a run (after a copied group, or first). */
  let runStarts = true;
  let decodedFrames = 0;
  const pending = [...groups];
  // Copied groups whose turn has come (they start before source frame `before`) go into the file,
  // after the frames encoded before them.
  const copyGroupsBefore = async (before: number) => {
    while (pending.length > 0 && pending[0]![0] < before) {
      const [first, end] = pending.shift()!;
      await writer.flushEncoder();
      for (let k = first; k < end; k++) {
        const sample = track.samples[k]!;
        const meta = k - from === 0 ? { decoderConfig: { ...track.config } } : undefined;
        writer.addCopiedSample(part.bytes.subarray(sample.offset, sample.offset + sample.size), sample.keyFrame, k - from, meta);
      }
      written += end - first;
      runStarts = true;
      onProgress?.(written / total);
    }
  };
  // Only the groups with a frame to encode again are decoded (each from its keyframe).
  const groupStart: number[] = [];
  track.samples.forEach((sample, i) => groupStart.push(sample.keyFrame ? i : groupStart[i - 1]!));
  const needed = new Set<number>();
  for (let i = from; i < to; i++) if (!copied.has(i)) needed.add(groupStart[i]!);
  try {
    await decodeFrames(part.bytes, async (decoded, i) => {
      decodedFrames++;
      try {
        if (i < from || i >= to) return;
        await copyGroupsBefore(i);
        const rgba = frameToRgba(decoded, width, height).rgba;
        drawTitles(rgba, width, height, titles, i - from, fps);
        const frame = writer.rgbaFrame(rgba, i - from);
        try {
          // Keyframes where the clip has them, and wherever a run of encoded frames starts.
          await writer.addFrame(frame, runStarts || track.samples[i]!.keyFrame);
        } finally {
          frame.close();
        }
        runStarts = false;
        written += 1;
      } finally {
        decoded.close();
        onProgress?.(written / total);
      }
    }, (i) => needed.has(groupStart[i]!));
    await copyGroupsBefore(Infinity);
    const mp4 = await writer.finish();
    return { mp4, frameCount: total, width, height, fps, copiedFrames: copied.size, decodedFrames };
  } catch (error) {
    if (error instanceof DescriptionMismatch) return null;
    throw error;
  } finally {
    writer.abort();
  }
}

/** Samples in presentation order (no B-frames) from a keyframe: groups can be cut apart. */
function inOrderFromAKeyframe(track: DemuxedTrack): boolean {
  return track.samples[0]?.keyFrame === true && track.samples.every((s) => s.pts === s.dts);
}
