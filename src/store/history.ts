// What the history keeps about each clip, and the rules of its lineage: pure functions over
// entries (the IndexedDB side is history_db.ts).
//
// A remix of an entry is a new entry in the same family (rootId): its parentId is the entry it
// was made from, and its version is the family's next number, so versions never repeat even when
// one clip is remixed twice (v1 → v2 and v1 → v3 are both remixes of v1).
import type { AspectRatio } from '../worker/api.ts';

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
}

export function makeEntry(input: NewEntry, existing: readonly HistoryEntry[]): HistoryEntry {
  const { parent, ...rest } = input;
  return {
    ...rest,
    title: parent ? parent.title : defaultTitle(input.settings.prompt),
    note: '',
    ...lineageFor(input.id, parent, existing),
  };
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
