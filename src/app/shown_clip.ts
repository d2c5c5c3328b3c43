// The clip in the player: a fresh result or one opened from the history.
import type { ClipFacts, ClipOrigin, ClipSettings, HistoryEntry } from '../store/history.ts';

export interface ShownClip {
  /** Object URL of the MP4; revoked when another clip replaces it. */
  url: string;
  /** The MP4 itself: what Extend continues. */
  mp4: Blob;
  settings: ClipSettings;
  model: { name: string; version: string };
  facts: ClipFacts;
  /** Its history entry, once saved (null when saving failed). */
  entry: HistoryEntry | null;
  fileName: string;
  /** What it was made from besides its settings (absent: the prompt alone). */
  origin?: ClipOrigin;
}

/** The line under a stitched clip: whether its samples were copied or every frame encoded again. */
export function stitchedHow(origin: ClipOrigin | undefined): string | null {
  if (origin?.kind !== 'stitch') return null;
  return origin.reencoded
    ? `Stitched from ${origin.sources.length} clips, re-encoded: they differ in codec settings or size, so every frame was decoded and encoded again.`
    : `Stitched from ${origin.sources.length} clips without re-encoding: their samples were copied as they are, with no loss.`;
}

/** "8 frames, 112×64 at 8 fps (avc1.42001f), made in 9.3 s on webgpu". */
export function describeFacts(facts: ClipFacts): string {
  const backend = facts.backend ? ` on ${facts.backend}` : '';
  return `${facts.frameCount} frames, ${facts.width}×${facts.height} at ${facts.fps} fps (${facts.codec}), made in ${(facts.elapsedMs / 1000).toFixed(1)} s${backend}`;
}
