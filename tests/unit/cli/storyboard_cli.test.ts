// A storyboard from the command line, for real on tiny-test (and its cuts on zoetrope-s): --storyboard with a file of three
// segments makes one MP4 whose frame count, duration and per-segment prompts ffprobe and
// readProvenance confirm, with the cuts measured for continuity; --at with the last segment
// changed and the same seed gives the first two segments' frames again, exactly. A bad storyboard
// exits 2 with the reasons, before any browser starts.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAllFramesRgb, probe } from '../../support/media.ts';
import { readProvenance } from '../../../src/video/provenance.ts';
import { cutContinuity, meanAbsDifference } from '../../../src/video/cut_continuity.ts';

const ROOT = join(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'src/cli/generate.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zoetrope-storyboard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

// tiny-test: 8 fps, 112 × 64 at 16:9, windows of 2 frames with 1 of context.
const FPS = 8;
const [WIDTH, HEIGHT] = [112, 64];
const SEGMENTS = [
  { from: 0, to: 0.5, prompt: 'a red ball rolls right' },
  { from: 0.5, to: 1, prompt: 'it bounces on a sunset' },
  { from: 1, to: 1.5, prompt: 'a blue star joins it' },
];

describe('npm run generate with a storyboard', () => {
  const first = join(dir, 'story.mp4');

  it('--storyboard: one MP4 of three segments, frames, duration and prompts as written', async () => {
    const file = join(dir, 'story.txt');
    writeFileSync(file, `# a ball's day\n${SEGMENTS.map((s) => `${s.from}–${s.to} s: ${s.prompt}`).join('\n')}\n`);
    const { status, stdout, stderr } = await runCli(['--storyboard', file, '--seed', '7', '--model', 'models/tiny-test', '-o', first]);
    expect(status, stderr).toBe(0);
    expect(stdout).toMatch(/^wrote .*: 12 frames, 112×64 at 8 fps, .* seed 7,/);

    const video = probe(first);
    expect(video).toMatchObject({ width: WIDTH, height: HEIGHT, frames: 12 });
    expect(video.durationSeconds).toBeCloseTo(1.5, 2);
    const record = readProvenance(new Uint8Array(readFileSync(first)))!;
    expect(record.segments).toEqual(SEGMENTS);
    expect(record.prompt).toBe('0–0.5 s: a red ball rolls right; 0.5–1 s: it bounces on a sunset; 1–1.5 s: a blue star joins it');
    expect(record.settings).toMatchObject({ durationSeconds: 1.5, frameCount: 12, fps: FPS, steps: 4 });
    expect(record.settings).not.toHaveProperty('storyboard');

    // Continuity at the cuts. tiny-test has random weights: each of its frames is close to fresh
    // noise (consecutive frames differ by ~17 levels, as much as the first and last do), so the
    // bar for the trained model (across ≤ within) cannot be met or missed meaningfully here; the
    // measure is run, and a cut must change the picture no more than 25 % beyond a step inside a
    // segment (measured: 1–5 % beyond).
    const frames = decodeAllFramesRgb(first, WIDTH, HEIGHT);
    const cuts = cutContinuity(frames, SEGMENTS.map((s) => Math.round(s.from * FPS)));
    expect(cuts.map((c) => c.cut)).toEqual([4, 8]);
    for (const cut of cuts) expect(cut.across).toBeLessThan(1.25 * cut.within);
  }, 300_000);

  it('--at: the last segment remixed with the same seed gives the first two segments frame for frame', async () => {
    const remixed = join(dir, 'remixed.mp4');
    const at = SEGMENTS.flatMap((s, k) => ['--at', String(s.from), k === 2 ? 'a green square spins' : s.prompt]);
    const { status, stderr } = await runCli([...at, '--seconds', '1.5', '--seed', '7', '--model', 'models/tiny-test', '-o', remixed]);
    expect(status, stderr).toBe(0);
    expect(readProvenance(new Uint8Array(readFileSync(remixed)))!.segments!.map((s) => s.prompt)).toEqual([SEGMENTS[0]!.prompt, SEGMENTS[1]!.prompt, 'a green square spins']);
    expect(existsSync(first), 'the first test wrote the original').toBe(true);
    const [a, b] = [decodeAllFramesRgb(first, WIDTH, HEIGHT), decodeAllFramesRgb(remixed, WIDTH, HEIGHT)];
    expect(b).toHaveLength(12);
    for (let i = 0; i < 8; i++) expect(meanAbsDifference(a[i]!, b[i]!), `frame ${i}`).toBe(0);
    for (let i = 8; i < 12; i++) expect(meanAbsDifference(a[i]!, b[i]!), `frame ${i}`).toBeGreaterThan(0.5);
  }, 300_000);

  it('--crossfade and --title: the segments crossfaded, a title drawn, both in the provenance', async () => {
    const output = join(dir, 'edited.mp4');
    const { status, stdout, stderr } = await runCli(['--at', '0', 'a red ball rolls right', '--at', '0.5', 'it bounces on a sunset', '--seconds', '1',
      '--crossfade', '0.125', '--title', '0–0.5 s: Hello', '--seed', '7', '--model', 'models/tiny-test', '-o', output]);
    expect(status, stderr).toBe(0);
    // 8 frames, one of them overlapped by the crossfade.
    expect(stdout).toMatch(/^wrote .*: 7 frames, 112×64 at 8 fps/);
    expect(probe(output).frames).toBe(7);
    const record = readProvenance(new Uint8Array(readFileSync(output)))!;
    expect(record.segments!.map((s) => s.prompt)).toEqual(['a red ball rolls right', 'it bounces on a sunset']);
    expect(record.titles).toEqual([{ text: 'Hello', from: 0, to: 0.5 }]);
    expect(record.edits).toEqual(['clip 1 trimmed to 0 s–0.5 s', 'clip 2 trimmed to 0.5 s–1 s', 'crossfade of 1 frame (0.125 s) between clips 1 and 2', '1 title drawn into the frames']);
    expect(record.settings.frameCount).toBe(7);
  }, 300_000);

  // Cut continuity on the trained model: zoetrope-s (12 fps, 256², windows of 4 frames, each given
  // the frame before it as context). Three segments under one sky, the named objects and their
  // motion changing at each cut. Every window that starts from a context ends with zoetrope-s's seam
  // blend (chunk.seam_blend_sigma, shaders/seam_blend.wgsl); without it every window seam, cut or
  // not, jumped 2–3× the steps inside a window (cuts 2.61 and 2.41 against 1.05 and 1.03 within).
  // The cuts sit off the encoder's keyframes (one every 2 s, frame 24): on this flat content a
  // keyframe alone steps the decoded picture ~0.7 levels beyond its neighbours (measured there:
  // 1.49), which would measure the encoder at the cut as well as the model.
  const storyPrompts = ['under a starry night sky, a golden bird rises', 'under a starry night sky, a golden bird glides to the right', 'under a starry night sky, a red ball bounces'];
  const storyStarts = [0, 1.25, 2.5];

  it('on zoetrope-s, a storyboard\'s cuts change the picture no more than the mean step inside its segments', async () => {
    const output = join(dir, 'story-s.mp4');
    const at = storyPrompts.flatMap((prompt, k) => ['--at', String(storyStarts[k]), prompt]);
    const { status, stderr } = await runCli([...at, '--seconds', '3', '--aspect', '1:1', '--seed', '7', '--backend', 'wasm', '-o', output]);
    expect(status, stderr).toBe(0);
    expect(readProvenance(new Uint8Array(readFileSync(output)))!.segments!.map((s) => s.prompt)).toEqual(storyPrompts);
    const frames = decodeAllFramesRgb(output, 256, 256);
    expect(frames).toHaveLength(36);
    const cuts = cutContinuity(frames, storyStarts.map((at) => at * 12));
    console.log(`zoetrope-s storyboard cuts: ${cuts.map((c) => `frame ${c.cut}: across ${c.across.toFixed(2)}, mean within ${c.within.toFixed(2)}`).join('; ')}`);
    // Issue 14's bar. Measured (seed 7): 0.46 against 0.81 at frame 15, 0.57 against 0.85 at frame 30.
    for (const cut of cuts) expect(cut.continuous, `the cut at frame ${cut.cut}: across ${cut.across.toFixed(2)}, within ${cut.within.toFixed(2)}`).toBe(true);
  }, 300_000);

  it('refuses a bad storyboard with exit status 2 and every reason, before any browser starts', async () => {
    const file = join(dir, 'bad.txt');
    writeFileSync(file, '0–4 s: a red ball\n3–8 s: it bounces\n8–8 s: nothing\n');
    const bad = await runCli(['--storyboard', file, '-o', join(dir, 'bad.mp4')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Segments 1 and 2 overlap: segment 1 runs to 4 s but segment 2 starts at 3 s.');
    expect(bad.stderr).toContain('Segment 3 (line 3) is empty: it ends at 8 s, not after it starts at 8 s.');
    const markup = await runCli(['--at', '0', 'a red ball', '--at', '2', 'it <b>bounces</b>', '-o', join(dir, 'bad.mp4')]);
    expect(markup.status).toBe(2);
    expect(markup.stderr).toContain('Segment 2 ("it <b>bounces</b>"): The prompt contains markup');
    // tiny-test's windows are 2 frames (0.25 s): a shorter first segment leaves the next nothing to continue.
    const short = await runCli(['--at', '0', 'a red ball', '--at', '0.125', 'it bounces', '--seconds', '1', '--model', 'models/tiny-test', '-o', join(dir, 'bad.mp4')]);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('The first segment must last at least 0.25 s');
    const title = await runCli(['a red ball', '--title', `0–1 s: ${'x'.repeat(10_000)}`, '--title', '0–1 s: <i>x</i>', '-o', join(dir, 'bad.mp4')]);
    expect(title.status).toBe(2);
    expect(title.stderr).toContain('--title 1 is too long (10000 characters; at most 200).');
    expect(title.stderr).toContain('--title 2 ("<i>x</i>") contains markup');
    expect(existsSync(join(dir, 'bad.mp4'))).toBe(false);
  }, 60_000);
});
