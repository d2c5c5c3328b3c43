// An edit of clips into one MP4: each clip trimmed to the frames it keeps, joined to the next by a
// cut or a crossfade, with titles drawn over the result; the frames are decoded, changed where
// the edit says and encoded afresh into one file. An edit of one clip without crossfades first
// tries edit_splice.ts, which copies the groups of pictures it leaves untouched. (A plain join of
// clips, no trim, transition or title, is stitch.ts's: it copies the samples as they are.)
//
// A crossfade of N frames overlaps the last N kept frames of one clip with the first N of the
// next: output frame k of the overlap is (1 − t)·A + t·B with t = (k + 1)/(N + 1), so the clip
// gets N frames shorter, the fade never shows either side alone, and with N odd its middle frame
// is the mean of the two sides. Frames stream: only a crossfade's tail of N frames is held.
import { decodeFrames, frameToRgba, trackFps } from './decode.ts';
import { demuxVideoTrack } from './demux.ts';
import { spliceEdit } from './edit_splice.ts';
import { Mp4Writer } from './encode.ts';
import { drawTitles, loadTitleFonts, type Title } from './titles.ts';

export interface EditPart {
  bytes: Uint8Array<ArrayBuffer>;
  /** Frames of the clip kept: [first, end). */
  keep: [number, number];
}

export interface EditPlan {
  parts: EditPart[];
  /** Frames of crossfade between part i and part i + 1 (0: a cut). */
  crossfades: number[];
  /** Drawn on the edited clip's own timeline. */
  titles: Title[];
}

export interface EditedClip {
  mp4: Blob;
  frameCount: number;
  width: number;
  height: number;
  fps: number;
  /** Frames copied from the source as they were (not decoded and encoded again). */
  copiedFrames?: number;
  /** When frames were copied: the source frames decoded (the copied groups are not). */
  decodedFrames?: number;
}

/** Frames of the edited clip: every part's kept frames, less each crossfade's overlap. */
export function editFrameCount(kept: readonly number[], crossfades: readonly number[]): number {
  return kept.reduce((a, b) => a + b, 0) - crossfades.reduce((a, b) => a + b, 0);
}

/** Frame k of an N-frame crossfade: (1 − t)·a + t·b, t = (k + 1)/(N + 1), rounded to the nearest level. */
export function crossfadeFrame(a: Uint8Array, b: Uint8Array, k: number, frames: number): Uint8Array<ArrayBuffer> {
  const t = (k + 1) / (frames + 1);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.round((1 - t) * a[i]! + t * b[i]!);
  return out;
}

export async function renderEdit(plan: EditPlan, onProgress?: (fraction: number) => void): Promise<EditedClip> {
  if (plan.parts.length === 1) {
    const spliced = await spliceEdit(plan.parts[0]!, plan.titles, onProgress);
    if (spliced) return spliced;
  }
  const tracks = plan.parts.map((part) => demuxVideoTrack(part.bytes));
  const first = tracks[0]!.config;
  const [width, height] = [first.codedWidth, first.codedHeight];
  const fps = Math.round(trackFps(tracks[0]!)) || 12;
  if (plan.titles.length > 0) await loadTitleFonts();
  const total = editFrameCount(plan.parts.map((p) => p.keep[1] - p.keep[0]), plan.crossfades);
  const writer = await Mp4Writer.open({ width, height, fps });
  let frameCount = 0;
  const emit = async (rgba: Uint8Array<ArrayBuffer>) => {
    drawTitles(rgba, width, height, plan.titles, frameCount, fps);
    await writer.addRgba(rgba, frameCount);
    frameCount += 1;
    onProgress?.(frameCount / total);
  };
  try {
    /** The previous part's last frames, waiting to be crossfaded into this part's first. */
    let tail: Uint8Array<ArrayBuffer>[] = [];
    for (const [p, part] of plan.parts.entries()) {
      const [keepFrom, keepTo] = part.keep;
      const fadeIn = p > 0 ? plan.crossfades[p - 1]! : 0;
      const fadeOut = plan.crossfades[p] ?? 0;
      const held: Uint8Array<ArrayBuffer>[] = [];
      await decodeFrames(part.bytes, async (decoded, i) => {
        let rgba: Uint8Array<ArrayBuffer> | null = null;
        try {
          if (i >= keepFrom && i < keepTo) rgba = frameToRgba(decoded, width, height).rgba;
        } finally {
          decoded.close();
        }
        if (!rgba) return;
        const k = i - keepFrom; // kept frame number
        if (k < fadeIn) {
          await emit(crossfadeFrame(tail[k]!, rgba, k, fadeIn));
        } else if (keepTo - i <= fadeOut) {
          held.push(rgba); // crossfaded with the next part
        } else {
          await emit(rgba);
        }
      });
      tail = held;
    }
    return { mp4: await writer.finish(), frameCount, width, height, fps };
  } finally {
    writer.abort();
  }
}
