// Undo and redo for the editor: every change to the edit (a title added, moved or removed, a trim)
// is a new state; undo steps back, redo forward, and a change after an undo drops the states
// that were undone. Pure and immutable: the editor holds one EditHistory and replaces it.

export interface EditHistory<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
}

/** At most this many steps back, so a long session does not grow without end. */
export const MAX_UNDO = 100;

export const startHistory = <T>(present: T): EditHistory<T> => ({ past: [], present, future: [] });

/** `next` as the present; unchanged when it equals the present (no empty undo steps). */
export function change<T>(history: EditHistory<T>, next: T, same: (a: T, b: T) => boolean = (a, b) => JSON.stringify(a) === JSON.stringify(b)): EditHistory<T> {
  if (same(history.present, next)) return history;
  return { past: [...history.past, history.present].slice(-MAX_UNDO), present: next, future: [] };
}

export function undo<T>(history: EditHistory<T>): EditHistory<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: EditHistory<T>): EditHistory<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest };
}
