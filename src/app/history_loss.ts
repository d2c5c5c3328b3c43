// What to tell the person when the browser took the history's storage away while the page was
// open (site data cleared, the database deleted from another tab): which clips are gone, and that
// the page goes on. Pure, so the wording is tested in Node; CreateScreen shows it.
import type { HistoryEntry } from '../store/history.ts';

/** Clips listed before that the re-read history no longer has. */
export function lostEntries(before: readonly HistoryEntry[], after: readonly HistoryEntry[]): HistoryEntry[] {
  const kept = new Set(after.map((e) => e.id));
  return before.filter((e) => !kept.has(e.id));
}

/** The message for a loss of `lost` clips; null when nothing the page showed was lost. */
export function historyLossMessage(lost: readonly HistoryEntry[]): string | null {
  if (lost.length === 0) return null;
  const names = lost.slice(0, 3).map((e) => `“${e.title}” v${e.version}`);
  const more = lost.length > 3 ? ` and ${lost.length - 3} more` : '';
  const count = lost.length === 1 ? '1 clip' : `${lost.length} clips`;
  return (
    `This site’s stored data was cleared while Zoetrope was open: ${count} in the history ${lost.length === 1 ? 'is' : 'are'} gone ` +
    `(${names.join(', ')}${more}). New clips are saved as before.`
  );
}

/** The message for Play, Extend or Download on a clip whose stored video is gone. */
export function missingVideoMessage(entry: Pick<HistoryEntry, 'title' | 'version'>): string {
  return `“${entry.title}” v${entry.version} is no longer stored in this browser (its video is gone: the site’s data was cleared), so it was taken off the history.`;
}

/** The message when the player cannot play what it was given (its stored bytes vanished under it). */
export const UNPLAYABLE_MESSAGE = 'This clip cannot be played: its video data is gone or damaged. Generate it again from its settings (Remix) to get it back.';
