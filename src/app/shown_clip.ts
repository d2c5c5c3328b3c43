// The clip in the player: a fresh result or one opened from the history.
import type { ClipFacts, ClipSettings, HistoryEntry } from '../store/history.ts';

export interface ShownClip {
  /** Object URL of the MP4; revoked when another clip replaces it. */
  url: string;
  settings: ClipSettings;
  model: { name: string; version: string };
  facts: ClipFacts;
  /** Its history entry, once saved (null when saving failed). */
  entry: HistoryEntry | null;
  fileName: string;
}

/** "8 frames, 112×64 at 8 fps (avc1.42001f), made in 9.3 s on webgpu". */
export function describeFacts(facts: ClipFacts): string {
  const backend = facts.backend ? ` on ${facts.backend}` : '';
  return `${facts.frameCount} frames, ${facts.width}×${facts.height} at ${facts.fps} fps (${facts.codec}), made in ${(facts.elapsedMs / 1000).toFixed(1)} s${backend}`;
}
