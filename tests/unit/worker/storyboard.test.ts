// Storyboards as people write them (text) and as requests carry them (start times and prompts):
// what is read, and the messages for what cannot be made.
import { describe, expect, it } from 'vitest';
import { parseStoryboardText, storyboardSummary, storyboardText, MAX_SEGMENTS } from '../../../src/worker/storyboard.mjs';
import { ANY_MODEL, requestLimits, requestProblems } from '../../../src/worker/request_check.mjs';
import tinyConfig from '../../../models/configs/tiny-test.json';

const tiny = requestLimits(tinyConfig);
const request = (storyboard: unknown, durationSeconds = 12) => ({
  prompt: (storyboard as { prompt?: string }[])?.[0]?.prompt ?? 'a red ball', seed: 1, durationSeconds, aspect: '16:9', shortSide: 64, storyboard,
});
const messages = (storyboard: unknown, durationSeconds = 12, limits = tiny) => requestProblems(request(storyboard, durationSeconds), limits).map((p) => p.message);

describe('parseStoryboardText', () => {
  it('reads ranges in the usual spellings, skips blank lines and comments, and normalises prompts', () => {
    const parsed = parseStoryboardText('# a story\n0–4 s: a red ball rolls right\r\n\n4-8: it bounces on a sunset\n8 s — 12 s:  a blue\u200B star joins it  \n');
    expect(parsed).toEqual({
      ok: true,
      storyboard: {
        segments: [{ at: 0, prompt: 'a red ball rolls right' }, { at: 4, prompt: 'it bounces on a sunset' }, { at: 8, prompt: 'a blue star joins it' }],
        endSeconds: 12,
      },
    });
  });

  it('reads starts alone (each segment runs to the next) and round-trips its own text', () => {
    const parsed = parseStoryboardText('0: a red ball\n2.5 s: it bounces');
    expect(parsed).toEqual({ ok: true, storyboard: { segments: [{ at: 0, prompt: 'a red ball' }, { at: 2.5, prompt: 'it bounces' }], endSeconds: null } });
    const segments = [{ at: 0, prompt: 'a' }, { at: 0.25, prompt: 'b' }];
    expect(storyboardText(segments, 3)).toBe('0–0.25 s: a\n0.25–3 s: b');
    expect(parseStoryboardText(storyboardText(segments, 3))).toEqual({ ok: true, storyboard: { segments, endSeconds: 3 } });
    expect(storyboardSummary(segments, 3)).toBe('0–0.25 s: a; 0.25–3 s: b');
  });

  it('names overlapping, empty, out-of-order, gapped and unreadable segments', () => {
    const errors = (text: string) => {
      const parsed = parseStoryboardText(text);
      expect(parsed.ok).toBe(false);
      return parsed.ok ? [] : parsed.errors;
    };
    expect(errors('0–4 s: a\n3–8 s: b')).toEqual(['Segments 1 and 2 overlap: segment 1 runs to 4 s but segment 2 starts at 3 s.']);
    expect(errors('0–4 s: a\n4–4 s: b')).toEqual(['Segment 2 (line 2) is empty: it ends at 4 s, not after it starts at 4 s.']);
    expect(errors('0–4 s: a\n4–2 s: b')).toEqual(['Segment 2 (line 2) is empty: it ends at 2 s, not after it starts at 4 s.']);
    expect(errors('4 s: a\n0 s: b')).toEqual(['Segments 1 and 2 are out of order: segment 2 starts at 0 s, before segment 1 (4 s).']);
    expect(errors('0 s: a\n0 s: b')).toEqual(['Segments 1 and 2 both start at 0 s: segment 1 would be empty.']);
    expect(errors('0–4 s: a\n5–8 s: b')[0]).toMatch(/^Nothing happens from 4 s to 5 s: .* without gaps\.$/);
    expect(errors('a red ball\n0-4: b')).toEqual(['Line 1 is not a segment: write it as "4–8 s: what happens" (got "a red ball").']);
    expect(errors('\n# only a comment\n')).toEqual(['The storyboard has no segments: write one a line, as "0–4 s: what happens".']);
  });
});

describe('the request check of a storyboard', () => {
  const three = [{ at: 0, prompt: 'a red ball rolls right' }, { at: 4, prompt: 'it bounces on a sunset' }, { at: 8, prompt: 'a blue star joins it' }];

  it('passes a good storyboard, for any model and for tiny-test', () => {
    expect(messages(three)).toEqual([]);
    expect(messages(three, 12, ANY_MODEL)).toEqual([]);
  });

  it('names empty, overlapping, late and unreadable segments', () => {
    expect(messages([])).toEqual(['The storyboard has no segments.']);
    expect(messages('0-4: a')).toEqual(['The storyboard must be a list of segments, each a start time and a prompt.']);
    expect(messages([{ at: 0, prompt: 'a' }, { at: 4, prompt: 'b' }, { at: 4, prompt: 'c' }])).toEqual(['Segment 2 is empty: segment 3 starts at the same time (4 s).']);
    expect(messages([{ at: 0, prompt: 'a' }, { at: 6, prompt: 'b' }, { at: 5, prompt: 'c' }])).toEqual(['Segments 2 and 3 overlap: segment 3 starts at 5 s, before segment 2 (6 s).']);
    expect(messages([{ at: 0, prompt: 'a' }, { at: 12, prompt: 'b' }])).toEqual(['Segment 2 is empty: it starts at 12 s, where the clip (12 s) has already ended.']);
    expect(messages([{ at: 1, prompt: 'a' }, { at: 4, prompt: 'b' }])).toEqual(['The storyboard must start at 0 s (its first segment starts at 1 s).']);
    expect(messages([{ at: 0, prompt: 'a' }, { at: '4', prompt: 'b' }])).toEqual(['Segment 2 must start at a number of seconds, 0 or more (got "4").']);
    expect(messages(Array.from({ length: MAX_SEGMENTS + 1 }, (_, k) => ({ at: k, prompt: 'a' })), 60)).toEqual([`The storyboard has ${MAX_SEGMENTS + 1} segments; at most ${MAX_SEGMENTS}.`]);
  });

  it('checks every segment prompt by the prompt rule: markup, length, the filter', () => {
    const problems = requestProblems(request([{ at: 0, prompt: 'a ball' }, { at: 4, prompt: 'it <script>' }, { at: 8, prompt: 'x'.repeat(600) }, { at: 10, prompt: 'a gory scene' }]), tiny);
    expect(problems.map((p) => p.message)).toEqual([
      'Segment 2 ("it <script>"): The prompt contains markup or control characters (such as < or >), which prompts never need.',
      `Segment 3 ("${'x'.repeat(24)}…"): The prompt is too long (600 characters; at most 500).`,
      expect.stringMatching(/^Segment 4 \("a gory scene"\): This prompt was refused: it asks for graphic gore/),
    ]);
    expect(problems.at(-1)!.code).toBe('prompt-refused');
    expect(requestProblems({ ...request(three), prompt: 'something else' }, tiny).map((p) => p.message)).toEqual(["A storyboard request's prompt must be its first segment's prompt."]);
  });

  it('in frames of the model: at least one frame a segment, a whole window first', () => {
    // tiny-test: 8 fps, windows of 2 frames.
    expect(messages([{ at: 0, prompt: 'a' }, { at: 1, prompt: 'b' }, { at: 1.05, prompt: 'c' }], 2)).toEqual(['Segment 2 is shorter than one frame (1/8 s): make it longer.']);
    expect(messages([{ at: 0, prompt: 'a' }, { at: 0.125, prompt: 'b' }], 2)).toEqual(['The first segment must last at least 0.25 s (one window of 2 frames at 8 fps), so the next one has frames to continue from.']);
    expect(messages([{ at: 0, prompt: 'a' }, { at: 0.25, prompt: 'b' }, { at: 0.375, prompt: 'c' }], 0.5)).toEqual([]);
  });
});
