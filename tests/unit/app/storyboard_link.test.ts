// A storyboard through the create form and share links: the box's text becomes the settings, a
// link carries them and opens to the same settings, and a bad storyboard in a link is refused
// with the parser's and the request check's reasons.
import { describe, expect, it } from 'vitest';
import { generateRequest, type ClipSettings } from '../../../src/app/clip_settings.ts';
import { decodeShareLink, encodeShareLink } from '../../../src/app/share_link.ts';
import { settingsToRun } from '../../../src/app/settings_check.ts';
import { extendedStoryboardText, storyboardBoxFor, withStoryboard } from '../../../src/app/storyboard_form.ts';
import { parseStoryboardText } from '../../../src/worker/storyboard.mjs';

const plain: ClipSettings = { prompt: 'ignored', durationSeconds: 6, aspect: '16:9', shortSide: 64, style: 'pixel art', seed: 42, steps: 2, guidance: null };
const TEXT = '0–1 s: a red ball rolls right\n1–2 s: it bounces on a sunset\n2–3 s: a blue star joins it';

function boarded(text = TEXT): ClipSettings {
  const result = withStoryboard(plain, true, text);
  if (!result.ok) throw new Error(result.errors.join(' '));
  return settingsToRun(result.settings);
}

describe('a storyboard in the form', () => {
  it('becomes settings: the first prompt, the last end as duration, the style on every segment in the request', () => {
    const settings = boarded();
    expect(settings).toMatchObject({ prompt: 'a red ball rolls right', durationSeconds: 3, storyboard: [{ at: 0 }, { at: 1 }, { at: 2 }] });
    const request = generateRequest(settings);
    expect(request.prompt).toBe('a red ball rolls right, pixel art');
    expect(request.storyboard!.map((s) => s.prompt)).toEqual(['a red ball rolls right, pixel art', 'it bounces on a sunset, pixel art', 'a blue star joins it, pixel art']);
    // Without an end on the last line, the duration setting ends it; off, there is no storyboard.
    expect(boarded('0: a\n2: b').durationSeconds).toBe(6);
    const off = withStoryboard(settings, false, TEXT);
    expect(off.ok && off.settings.storyboard).toBeUndefined();
    expect(withStoryboard(plain, true, '0–4 s: a\n3–8 s: b')).toEqual({ ok: false, errors: ['The storyboard: Segments 1 and 2 overlap: segment 1 runs to 4 s but segment 2 starts at 3 s.'] });
  });

  it('fills the box again from settings, and Extend adds a line after the last segment', () => {
    const settings = boarded();
    expect(storyboardBoxFor(settings, 'old')).toEqual({ enabled: true, text: TEXT });
    expect(storyboardBoxFor(plain, 'old')).toEqual({ enabled: false, text: 'old' });
    const extended = `${extendedStoryboardText({ ...settings, storyboard: settings.storyboard! })}a green square spins`;
    expect(extended).toBe(`${TEXT}\n3–7 s: a green square spins`);
    expect(parseStoryboardText(extended).ok).toBe(true);
  });
});

describe('a storyboard in a share link', () => {
  const shared = { settings: boarded(), model: { name: 'tiny-test', version: '1' } };
  const link = encodeShareLink('https://example.org/', shared);
  const withSb = (sb: string, d = '3') => {
    const params = new URLSearchParams(new URL(link).hash.slice(1));
    params.set('sb', sb);
    params.set('d', d);
    return `#${params.toString()}`;
  };
  const errorsOf = (fragment: string) => {
    const result = decodeShareLink(fragment);
    expect(result.ok).toBe(false);
    return result.ok ? [] : result.errors;
  };

  it('round-trips: the link opens to the same settings, segments included', () => {
    expect(new URL(link).hash).toContain('&sb=0%E2%80%931+s%3A+a+red+ball+rolls+right%0A1%E2%80%932+s');
    expect(decodeShareLink(new URL(link).hash)).toEqual({ ok: true, shared });
  });

  it('refuses overlapping or empty segments, markup, a mismatched end, and a prompt that is not the first segment', () => {
    expect(errorsOf(withSb('0–2 s: a red ball rolls right\n1–3 s: b'))).toEqual(['The storyboard: Segments 1 and 2 overlap: segment 1 runs to 2 s but segment 2 starts at 1 s.']);
    expect(errorsOf(withSb('0–1 s: a red ball rolls right\n1–1 s: b\n1–3 s: c'))[0]).toBe('The storyboard: Segment 2 (line 2) is empty: it ends at 1 s, not after it starts at 1 s.');
    expect(errorsOf(withSb('0–1 s: a red ball rolls right\n1–3 s: <img src=x onerror=alert(1)>'))).toEqual([
      'Segment 2 ("<img src=x onerror=alert…"): The prompt contains markup or control characters (such as < or >), which prompts never need.',
    ]);
    expect(errorsOf(withSb(TEXT, '4'))).toEqual(['The storyboard ends at 3 s but the link\'s duration is 4 s.']);
    expect(errorsOf(withSb('0–1 s: something else\n1–3 s: b'))).toEqual(["A storyboard request's prompt must be its first segment's prompt."]);
  });
});

describe('an edit in a share link', () => {
  const edit = { trim: { start: 0.25, end: 0.75 }, titles: [{ text: 'THE END', from: 0, to: 0.5, position: 'bottom' as const, font: 'sans' as const, size: 0.12, colour: '#ffffff', fade: 0 }] };
  const shared = { settings: { ...plain, prompt: 'a red ball', durationSeconds: 1 }, model: { name: 'tiny-test', version: '1' }, edit };

  it('round-trips the trim and titles', () => {
    expect(decodeShareLink(new URL(encodeShareLink('https://example.org/', shared)).hash)).toEqual({ ok: true, shared });
  });

  it('copies known fields only and refuses markup, huge titles and a trim past the clip', () => {
    const withEdit = (ed: unknown) => {
      const params = new URLSearchParams(new URL(encodeShareLink('https://example.org/', shared)).hash.slice(1));
      params.set('ed', typeof ed === 'string' ? ed : JSON.stringify(ed));
      return decodeShareLink(`#${params.toString()}`);
    };
    const polluted = withEdit({ ...edit, __proto__: { polluted: 1 }, titles: [{ ...edit.titles[0], onload: 'x' }] });
    expect(polluted.ok && polluted.shared.edit).toEqual(edit);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const errors = (ed: unknown) => {
      const result = withEdit(ed);
      return result.ok ? [] : result.errors;
    };
    expect(errors({ ...edit, titles: [{ ...edit.titles[0], text: '<img src=x onerror=alert(1)>' }] })[0]).toMatch(/^Title 1 \("<img src=x onerror=alert…"\) contains markup/);
    expect(errors({ ...edit, titles: [{ ...edit.titles[0], text: 'x'.repeat(300) }] })).toEqual(['Title 1 is too long (300 characters; at most 200).']);
    expect(errors({ ...edit, titles: [{ ...edit.titles[0], text: 'x'.repeat(10_000) }] })[0]).toMatch(/^The link is too long/);
    expect(errors({ ...edit, trim: { start: 0, end: 3 } })[0]).toMatch(/^The link's trim must keep a part of its 1 s/);
    expect(errors('{not json')).toEqual(["The link's edit could not be read."]);
  });
});

describe('a storyboard\'s crossfade in a share link', () => {
  const board = boarded();
  const edit = { trim: { start: 0, end: 3 }, crossfade: 0.25, titles: [] };
  const shared = { settings: board, model: { name: 'tiny-test', version: '1' }, edit };
  const withEdit = (ed: unknown, settings: ClipSettings = board) => {
    const params = new URLSearchParams(new URL(encodeShareLink('https://example.org/', { ...shared, settings })).hash.slice(1));
    params.set('ed', JSON.stringify(ed));
    return decodeShareLink(`#${params.toString()}`);
  };
  const errors = (ed: unknown, settings?: ClipSettings) => {
    const result = withEdit(ed, settings);
    return result.ok ? [] : result.errors;
  };

  it('round-trips with the storyboard it joins', () => {
    expect(decodeShareLink(new URL(encodeShareLink('https://example.org/', shared)).hash)).toEqual({ ok: true, shared });
  });

  it('is refused when it is not a length above 0, is longer than a segment, or the clip has no storyboard', () => {
    expect(errors({ ...edit, crossfade: 0 })).toEqual(['The link\'s crossfade must be a number of seconds above 0.']);
    expect(errors({ ...edit, crossfade: '1' })).toEqual(['The link\'s crossfade must be a number of seconds above 0.']);
    // Trimmed to 0.5–3 s, the first segment keeps 0.5 s: a 0.75 s crossfade does not fit it.
    expect(errors({ ...edit, trim: { start: 0.5, end: 3 }, crossfade: 0.75 })[0]).toMatch(/^The link's edit: The crossfade between clips 1 and 2 must last more than 0 s and at most 0.5 s/);
    expect(errors(edit, { ...plain, durationSeconds: 3 })).toEqual(['The link\'s edit has a crossfade, but its clip is not a storyboard of two segments or more.']);
  });
});
