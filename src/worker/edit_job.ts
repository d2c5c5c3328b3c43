// The engine's edit job: clips (from the history or files) trimmed, joined by cuts or
// crossfades, with titles drawn over them, into one new MP4 (video/edit.ts), after the one edit
// check (edit_check.mjs) in the clips' own frames; its provenance keeps what the clips were made
// from and adds every title's text and every edit.
import { throwIfCancelled } from '../errors/cancelled.ts';
import { EngineError } from '../errors/engine_error.ts';
import { normalizePrompt } from '../model/prompt_text.mjs';
import { trackFps } from '../video/decode.ts';
import { demuxVideoTrack, Mp4FormatError } from '../video/demux.ts';
import { editFrameCount, renderEdit, type EditedClip } from '../video/edit.ts';
import { addProvenance, readProvenance, type Provenance } from '../video/provenance.ts';
import { cutProblems, titleProblems } from './edit_check.mjs';
import { mediaBytes } from './given_media.ts';
import { stitchedProvenance } from './provenance_clip.ts';
import type { EditRequest } from './api.ts';

const seconds = (s: number) => `${Number(s.toFixed(3))} s`;

export async function editClips(request: EditRequest, signal: AbortSignal, onProgress: (fraction: number) => void): Promise<EditedClip> {
  const clips = request.clips;
  if (!Array.isArray(clips) || clips.length === 0) throw new EngineError('bad-request', 'Pick a clip to edit.');
  const files: Uint8Array<ArrayBuffer>[] = [];
  const counts: number[] = [];
  const rates: number[] = [];
  for (const [i, clip] of clips.entries()) {
    throwIfCancelled(signal);
    const bytes = await mediaBytes(clip);
    try {
      const track = demuxVideoTrack(bytes);
      counts.push(track.samples.length);
      rates.push(Math.round(trackFps(track)) || 12);
    } catch (error) {
      if (error instanceof Mp4FormatError) throw new EngineError('bad-request', `Clip ${i + 1} could not be read: ${error.message}. Edit MP4s made by Zoetrope.`);
      throw error;
    }
    files.push(bytes);
  }
  const fps = rates[0]!;
  const problems = cutProblems(counts.map((n, i) => n / rates[i]!), request.trims, request.transitions);
  if (problems.length > 0) throw new EngineError('bad-request', problems.join(' '));
  // In frames: a trim to the nearest frames (at least one kept), a crossfade of at least one.
  const keeps = counts.map((count, i): [number, number] => {
    const trim = request.trims?.[i];
    if (!trim) return [0, count];
    const from = Math.min(count - 1, Math.round(trim.start * rates[i]!));
    return [from, Math.max(from + 1, Math.min(count, Math.round(trim.end * rates[i]!)))];
  });
  const crossfades = (request.transitions ?? clips.slice(1).map(() => ({ kind: 'cut' as const }))).map((t, i) =>
    t.kind === 'cut' ? 0 : Math.max(1, Math.min(Math.round(t.seconds * fps), keeps[i]![1] - keeps[i]![0], keeps[i + 1]![1] - keeps[i + 1]![0])));
  const frameCount = editFrameCount(keeps.map(([a, b]) => b - a), crossfades);
  const titles = (request.titles ?? []).map((t) => ({ ...t, text: normalizePrompt(t.text) }));
  const titleTrouble = titleProblems(titles, frameCount / fps);
  if (titleTrouble.length > 0) throw new EngineError('bad-request', titleTrouble.join(' '));

  const edited = await renderEdit({ parts: files.map((bytes, i) => ({ bytes, keep: keeps[i]! })), crossfades, titles }, (fraction) => {
    throwIfCancelled(signal);
    onProgress(fraction);
  });
  // What was done, in words, for the provenance record.
  const edits: string[] = [];
  keeps.forEach(([a, b], i) => {
    if (a !== 0 || b !== counts[i]) edits.push(`clip ${i + 1} trimmed to ${seconds(a / rates[i]!)}–${seconds(b / rates[i]!)}`);
  });
  crossfades.forEach((n, i) => {
    if (n > 0) edits.push(`crossfade of ${n} frame${n === 1 ? '' : 's'} (${seconds(n / fps)}) between clips ${i + 1} and ${i + 2}`);
  });
  if (titles.length > 0) edits.push(`${titles.length} title${titles.length === 1 ? '' : 's'} drawn into the frames`);
  if (edited.copiedFrames) edits.push(`${edited.copiedFrames} of ${edited.frameCount} frames copied as they were, the rest encoded again`);
  const records = files.map(recordOf);
  // Parts cut from one clip (a storyboard's segments crossfaded) keep that clip's record whole.
  const oneSource = records.every((r) => r !== null && JSON.stringify(r) === JSON.stringify(records[0]));
  const base = oneSource ? records[0] : stitchedProvenance(records, { ...edited, reencoded: true });
  if (!base) return edited;
  const record: Provenance = {
    ...base,
    settings: { ...base.settings, width: edited.width, height: edited.height, fps: edited.fps, frameCount: edited.frameCount },
    createdAt: new Date().toISOString(),
    ...(titles.length > 0 && { titles: titles.map(({ text, from, to }) => ({ text, from, to })) }),
    edits: [...(base.edits ?? []), ...edits],
  };
  const mp4 = addProvenance(new Uint8Array(await edited.mp4.arrayBuffer()), record);
  return { ...edited, mp4: new Blob([mp4], { type: 'video/mp4' }) };
}

function recordOf(mp4: Uint8Array): Provenance | null {
  try {
    return readProvenance(mp4);
  } catch {
    return null;
  }
}
