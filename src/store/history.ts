// What the history keeps about each clip, and the rules of its lineage: pure functions over
// entries (the IndexedDB side is history_db.ts).
//
// A remix of an entry is a new entry in the same family (rootId): its parentId is the entry it
// was made from, and its version is the family's next number, so versions never repeat even when
// one clip is remixed twice (v1 → v2 and v1 → v3 are both remixes of v1).
import type { AspectRatio } from '../model/config.ts';

/** The create form's settings: everything that, with the model, decides the clip's frames. */
export interface ClipSettings {
  /** The prompt as typed, without the style word. */
  prompt: string;
  durationSeconds: number;
  aspect: AspectRatio;
  /** Resolution tier: the frame's short side in pixels. */
  shortSide: number;
  /** A style preset (clip_settings.ts STYLES), or 'none'. */
  style: string;
  seed: number;
  steps: number;
  /** Guidance scale, or null for models that sample without guidance. */
  guidance: number | null;
  /**
   * A storyboard (worker/storyboard.mjs): segment starts in seconds and their prompts, without
   * the style word; `prompt` is then the first segment's. Absent for a clip from one prompt.
   */
  storyboard?: { at: number; prompt: string }[];
}

export interface ClipFacts {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  codec: string;
  /** Wall-clock time the clip took to make. */
  elapsedMs: number;
  /** Which backend ran it ('webgpu' or 'wasm'), where the engine says. */
  backend?: string;
  /** Per-phase times in ms, where the engine reports them. */
  timings?: Record<string, number>;
}

/**
 * What a clip was made from besides its settings: absent (older entries) or 'prompt' for text
 * alone. Everything but 'prompt' needs media a share link cannot carry.
 */
export type ClipOrigin =
  | { kind: 'prompt' }
  /** Image-to-video from a start picture, in-betweening with an end picture too, or a clip ending on one. */
  | { kind: 'picture'; start: boolean; end: boolean }
  /** The parent clip continued by `addedSeconds`; its first `earlierFrames` frames are the parent's. */
  | { kind: 'extend'; addedSeconds: number; earlierFrames: number }
  /** Several history clips joined in order; `reencoded` false when the samples were copied as they are. */
  | { kind: 'stitch'; sources: StitchSource[]; reencoded: boolean }
  /**
   * The editor's work on the clip `sourceId` (the parent): kept apart from the frames, so the
   * editor can open it again on the source and change it without generating anything.
   */
  | { kind: 'edit'; sourceId: string; edit: ClipEdit; shareable?: boolean };

/** An edit of one clip in the editor: the seconds kept and the titles drawn (worker/edit_check.mjs). */
export interface ClipEdit {
  trim: { start: number; end: number };
  /** A storyboard's segments joined by crossfades of this many seconds (absent: plain cuts). */
  crossfade?: number;
  titles: {
    text: string; from: number; to: number; position: 'top' | 'middle' | 'bottom'; font: 'sans' | 'serif' | 'mono'; size: number; colour: string; fade: number;
  }[];
}

export interface StitchSource {
  id: string;
  title: string;
  version: number;
  frameCount: number;
}

export interface HistoryEntry {
  id: string;
  createdAt: number;
  title: string;
  note: string;
  settings: ClipSettings;
  model: { name: string; version: string };
  clip: ClipFacts;
  /** Size of the MP4 kept with the entry (history_db's `videos` store). */
  mp4Bytes: number;
  /** A small still of the middle frame. */
  thumbnail: Blob | null;
  rootId: string;
  parentId: string | null;
  version: number;
  origin?: ClipOrigin;
}

export const MAX_TITLE_CHARS = 80;
export const MAX_NOTE_CHARS = 2000;

/** A title from the prompt's first words: what a person would call the clip. */
export function defaultTitle(prompt: string): string {
  const text = prompt.trim().replace(/\s+/g, ' ');
  if (text === '') return 'Untitled clip';
  return text.length <= 48 ? text : `${text.slice(0, 47).replace(/\s+\S*$/, '')}…`;
}

/** Where a new entry sits in its family: a first clip starts one, a remix joins its parent's. */
export function lineageFor(
  id: string,
  parent: Pick<HistoryEntry, 'id' | 'rootId'> | null,
  family: readonly Pick<HistoryEntry, 'rootId' | 'version'>[],
): Pick<HistoryEntry, 'rootId' | 'parentId' | 'version'> {
  if (!parent) return { rootId: id, parentId: null, version: 1 };
  const highest = family.filter((e) => e.rootId === parent.rootId).reduce((max, e) => Math.max(max, e.version), 0);
  return { rootId: parent.rootId, parentId: parent.id, version: highest + 1 };
}

export interface NewEntry {
  id: string;
  createdAt: number;
  settings: ClipSettings;
  model: { name: string; version: string };
  clip: ClipFacts;
  mp4Bytes: number;
  thumbnail: Blob | null;
  parent: HistoryEntry | null;
  origin?: ClipOrigin;
}

export function makeEntry(input: NewEntry, existing: readonly HistoryEntry[]): HistoryEntry {
  const { parent, origin, ...rest } = input;
  return {
    ...rest,
    title: parent ? parent.title : defaultTitle(input.settings.prompt),
    note: '',
    ...lineageFor(input.id, parent, existing),
    ...(origin && origin.kind !== 'prompt' ? { origin } : {}),
  };
}

/** The mark the history shows by a clip made from more than its prompt; null for a plain one. */
export function originMark(origin: ClipOrigin | undefined): string | null {
  switch (origin?.kind) {
    case 'picture':
      return origin.start && origin.end ? 'between two pictures' : origin.start ? 'from a picture' : 'ends on a picture';
    case 'extend':
      return `extended +${origin.addedSeconds} s`;
    case 'stitch':
      return `stitched from ${origin.sources.length} clips${origin.reencoded ? ', re-encoded' : ''}`;
    case 'edit': {
      const { crossfade, titles } = origin.edit;
      const what = ['edited'];
      if (crossfade) what.push(`crossfaded ${crossfade} s`);
      if (titles.length > 0) what.push(`${titles.length} title${titles.length === 1 ? '' : 's'}`);
      return what.join(', ');
    }
    default:
      return null;
  }
}

/** "Stitched: a + b + c", within the title's limit. */
export function stitchTitle(sources: readonly Pick<StitchSource, 'title'>[]): string {
  const text = `Stitched: ${sources.map((s) => s.title).join(' + ')}`;
  return text.length <= MAX_TITLE_CHARS ? text : `${text.slice(0, MAX_TITLE_CHARS - 1)}…`;
}

/** The note a stitched clip starts with: its sources in order, and how they were joined. */
export function stitchNote(sources: readonly StitchSource[], reencoded: boolean): string {
  const list = sources.map((s) => `“${s.title}” v${s.version} (${s.frameCount} frames)`).join(', then ');
  const how = reencoded
    ? 'The clips differ in codec settings or size, so every frame was decoded and encoded again.'
    : 'Copied as they are, without re-encoding.';
  return cleanNote(`Stitched from ${list}. ${how}`);
}

/** The clip's length in seconds as it plays: its frames at its frame rate. */
export function clipSeconds(clip: Pick<ClipFacts, 'frameCount' | 'fps'>): number {
  return clip.fps > 0 ? clip.frameCount / clip.fps : 0;
}

/** The chain from the family's first clip down to `entry` (ancestors deleted since are skipped). */
export function ancestry(entry: HistoryEntry, all: readonly HistoryEntry[]): HistoryEntry[] {
  const byId = new Map(all.map((e) => [e.id, e]));
  const chain = [entry];
  const seen = new Set([entry.id]);
  let parentId = entry.parentId;
  while (parentId !== null) {
    const parent = byId.get(parentId);
    if (!parent || seen.has(parent.id)) break;
    chain.unshift(parent);
    seen.add(parent.id);
    parentId = parent.parentId;
  }
  return chain;
}

/** Newest first: the order the history panel lists clips in. */
export function newestFirst(entries: readonly HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => b.createdAt - a.createdAt || b.version - a.version);
}

/** Bytes the history itself holds: every MP4 and thumbnail. */
export function historyBytes(entries: readonly Pick<HistoryEntry, 'mp4Bytes' | 'thumbnail'>[]): number {
  return entries.reduce((sum, e) => sum + e.mp4Bytes + (e.thumbnail?.size ?? 0), 0);
}

/** A title or note as it may be stored: trimmed to its limit; an empty title falls back to the prompt's. */
export function cleanTitle(title: string, prompt: string): string {
  const text = title.trim().replace(/\s+/g, ' ').slice(0, MAX_TITLE_CHARS);
  return text === '' ? defaultTitle(prompt) : text;
}

export function cleanNote(note: string): string {
  return note.slice(0, MAX_NOTE_CHARS);
}

/** File name for a downloaded clip: the title's safe characters, the version and the seed. */
export function downloadName(entry: Pick<HistoryEntry, 'title' | 'version' | 'settings'>): string {
  const stem = entry.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'clip';
  return `zoetrope-${stem}-v${entry.version}-seed${entry.settings.seed}.mp4`;
}
