import { describe, expect, it } from 'vitest';
import { change, MAX_UNDO, redo, startHistory, undo } from '../../../src/app/edit_history.ts';

describe('edit history', () => {
  it('undoes and redoes in order, and a change after an undo drops what was undone', () => {
    let h = startHistory({ titles: 0 });
    h = change(h, { titles: 1 });
    h = change(h, { titles: 2 });
    h = undo(h);
    expect(h.present).toEqual({ titles: 1 });
    h = redo(h);
    expect(h.present).toEqual({ titles: 2 });
    h = undo(undo(h));
    expect(h.present).toEqual({ titles: 0 });
    expect(undo(h)).toBe(h); // nothing more to undo
    h = change(h, { titles: 5 });
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
    expect(h.past).toEqual([{ titles: 0 }]);
  });

  it('makes no step for a change to the same state, and keeps at most MAX_UNDO steps', () => {
    const h = startHistory({ a: 1 });
    expect(change(h, { a: 1 })).toBe(h);
    let long = h;
    for (let i = 0; i < MAX_UNDO + 20; i++) long = change(long, { a: i + 2 });
    expect(long.past).toHaveLength(MAX_UNDO);
  });
});
