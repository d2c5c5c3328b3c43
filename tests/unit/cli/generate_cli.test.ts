// `npm run generate` for real: the CLI builds the app if needed, runs it in headless Chromium on
// tiny-test, and the MP4 it writes is checked with ffprobe and readProvenance. Bad arguments must
// fail at once, before any browser starts, with exit status 2 and a message.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probe } from '../../support/media.ts';
import { readProvenance } from '../../../src/video/provenance.ts';

const ROOT = join(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'src/cli/generate.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zoetrope-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CliResult { status: number | null; stdout: string; stderr: string }

/** Runs the CLI without blocking the test worker (a real run takes ~15–30 s); `onStderr` sees its progress so far. */
function runCli(args: string[], env: Record<string, string> = {}, onStderr: (soFar: string) => void = () => {}): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr(stderr);
    });
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('npm run generate', () => {
  it('makes a 1 s clip on tiny-test whose MP4 ffprobe decodes and which says how it was made', async () => {
    const output = join(dir, 'ball.mp4');
    const { status, stdout, stderr } = await runCli(['a red ball bounces', '--seconds', '1', '--seed', '7', '--aspect', '16:9',
      '--model', 'models/tiny-test', '-o', output]);
    expect(status, stderr).toBe(0);
    // Progress on stderr: model loading, then phases with percent, frames and ETA.
    expect(stderr).toMatch(/loading model +100%/);
    expect(stderr).toMatch(/denoising +\d+% {2}frames \d\/8 {2}ETA/);
    expect(stderr).toMatch(/done +100% {2}frames 8\/8 {2}done/);
    const summary = /^wrote (.+): 8 frames, 112×64 at 8 fps, (avc1\.\w+), backend (wasm|webgpu), model tiny-test 1, seed 7, [\d.]+ KiB, [\d.]+ s\n$/.exec(stdout);
    expect(summary, stdout).not.toBeNull();

    // tiny-test's 16:9 bucket is 64 × 112 at 8 fps: 1 s is 8 frames.
    const video = probe(output);
    expect(video).toMatchObject({ codec: 'h264', width: 112, height: 64, frames: 8 });
    expect(video.durationSeconds).toBeCloseTo(1, 2);
    const record = readProvenance(new Uint8Array(readFileSync(output)));
    expect(record).toMatchObject({
      aiGenerated: true,
      model: { name: 'tiny-test', version: '1' },
      seed: 7,
      prompt: 'a red ball bounces',
      settings: { durationSeconds: 1, aspect: '16:9', steps: 4, backend: summary![3], codec: summary![2], frameCount: 8 },
    });
    expect(record!.generator).toMatch(/^Zoetrope \d+\.\d+\.\d+$/);
    const tags = JSON.parse(spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', output], { encoding: 'utf8' }).stdout);
    expect(tags.format.tags.comment).toMatch(/^AI-generated video, made by Zoetrope .* with the model tiny-test 1, seed 7\. Prompt: a red ball bounces$/);
    expect(tags.format.tags.encoder).toBe(record!.generator);
  }, 180_000);

  it('refuses an unsafe prompt with exit status 2 and the filter\'s message, writing nothing', async () => {
    const output = join(dir, 'refused.mp4');
    const { status, stderr } = await runCli(['a gory battlefield', '--seconds', '1', '--model', 'models/tiny-test', '-o', output]);
    expect(status).toBe(2);
    expect(stderr).toContain('This prompt was refused: it asks for graphic gore ("gore").');
    expect(spawnSync('test', ['-e', output]).status).toBe(1);
  }, 120_000);

  it('exits 1 with the engine\'s advice when the asked-for backend cannot run (Chromium without WebGPU)', async () => {
    const output = join(dir, 'nogpu.mp4');
    const { status, stderr } = await runCli(['a red ball', '--seconds', '1', '--backend', 'webgpu', '--model', 'models/tiny-test', '-o', output], { ZOETROPE_CHROMIUM_ARGS: '' });
    expect(status).toBe(1);
    expect(stderr).toContain('The WebGPU backend was asked for, but it cannot run here.');
    expect(stderr).toContain('Or choose the CPU (WASM) backend.');
  }, 120_000);

  it('keeps the clip in the temporary folder and exits 1 when the output can no longer be written at the end', async () => {
    const folder = join(dir, 'vanishing');
    const kept = join(dir, 'kept');
    mkdirSync(folder);
    mkdirSync(kept);
    const output = join(folder, 'clip.mp4');
    // The folder is there when the run starts (so the up-front check passes) and gone by the end.
    const { status, stdout, stderr } = await runCli(['a red ball', '--seconds', '1', '--steps', '1', '--seed', '3', '--model', 'models/tiny-test', '-o', output], { TMPDIR: kept }, (soFar) => {
      if (soFar.includes('loading model') && existsSync(folder)) rmSync(folder, { recursive: true });
    });
    expect(status, stderr).toBe(1);
    const saved = /Could not write (.+) \(no file can be made there \(its folder is gone, or takes no new files\)\), so the clip was saved at (.+) instead\./.exec(stderr);
    expect(saved, stderr).not.toBeNull();
    expect(saved![1]).toBe(output);
    expect(saved![2]!.startsWith(join(kept, 'zoetrope-kept-'))).toBe(true);
    expect(stdout).toContain(`wrote ${saved![2]}: 8 frames`);
    expect(probe(saved![2]!)).toMatchObject({ codec: 'h264', frames: 8 });
  }, 180_000);

  it.each([
    [['a cat', '--fps', '8'], 'Unknown option --fps'],
    [['a cat', '--seconds', '0'], '--seconds must be a number of seconds'],
    [['a cat', '--seconds', '61'], '--seconds must be a number of seconds'],
    // Checked against the model's own limits before anything is built: one frame of tiny-test is 1/8 s.
    [['a cat', '--seconds', '0.1', '--model', 'models/tiny-test'], '--seconds must be a number of seconds from 1/8 (one frame at tiny-test\'s 8 fps) to 60 (got 0.1).'],
    [['a cat', '--steps', '51'], '--steps must be a whole number from 1 to 50 (got 51).'],
    [['a go\u200Bre scene'], 'This prompt was refused: it asks for graphic gore ("gore").'],
    [['a cat', '-o', 'README.md/clip.mp4'], `Cannot write README.md/clip.mp4: ${join(ROOT, 'README.md')} is not a folder.`],
    [['a cat', '-o', '/proc/clip.mp4'], 'Cannot write /proc/clip.mp4: no file can be made there'],
    [['a cat', '--aspect', '4:3'], '--aspect must be one of 16:9, 1:1, 9:16'],
    [['--seed', '3'], 'Give a prompt'],
    [['a cat', '-o', '/nonexistent-folder/clip.mp4'], 'Cannot write /nonexistent-folder/clip.mp4: the folder /nonexistent-folder does not exist.'],
    [['a cat', '-o', '/tmp'], '--output /tmp is a folder'],
    [['a cat', '--model', '/nonexistent/manifest.json'], '--model /nonexistent/manifest.json: there is no /nonexistent/manifest.json.'],
    [['a cat', '--image', 'first.png'], '--image first.png: there is no such file.'],
  ])('exits 2 at once for %j', (args, message) => {
    const { status, stderr } = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
    expect(status).toBe(2);
    // The message and the hint, and nothing else: no build, no browser, no progress line before it.
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(message), 'Run npm run generate -- --help for the options.']);
  });

  it('--help prints the usage and exits 0', () => {
    const { status, stdout } = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(status).toBe(0);
    expect(stdout).toContain('Usage: npm run generate -- "<prompt>" [options]');
  });
});
