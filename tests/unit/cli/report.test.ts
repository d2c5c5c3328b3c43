import { describe, expect, it } from 'vitest';
import { progressPrinter, size, summaryLine } from '../../../src/cli/report.mjs';

describe('progressPrinter', () => {
  it('prints phase, percent, frames and an ETA from the pace so far, once per distinct line', () => {
    const print = progressPrinter();
    const progress = (phase: string, fraction: number, framesDone = 0) => ({ kind: 'progress' as const, phase, fraction, framesDone, framesTotal: 8 });
    expect(print({ kind: 'load', file: 'dit.safetensors', fileIndex: 2, fileCount: 8, loadedBytes: 500, totalBytes: 1000 }, 0)).toBe(
      'loading model   50%  (file 3/8: dit.safetensors)',
    );
    expect(print(progress('text', 0), 10)).toBe('text         0%  frames 0/8  ETA …');
    // 25 % done after 5 s of the job: 15 s to go. Model loading (before t = 10) is not counted.
    expect(print(progress('denoising', 0.25), 15)).toBe('denoising   25%  frames 0/8  ETA 15 s');
    expect(print(progress('denoising', 0.251), 15.1)).toBeNull();
    expect(print(progress('encoding', 0.5, 4), 130)).toBe('encoding    50%  frames 4/8  ETA 2 min 00 s');
    expect(print(progress('done', 1, 8), 131)).toBe('done       100%  frames 8/8  done');
  });
});

describe('summaryLine', () => {
  it('names the file, frames, size, codec, backend, model, seed, bytes and time', () => {
    const clip = { frameCount: 8, width: 112, height: 64, fps: 8, codec: 'avc1.42e01f', backend: 'wasm' };
    expect(summaryLine({ output: 'out.mp4', mp4: { length: 22_400 }, clip, model: { name: 'tiny-test', version: '1' }, seed: 7, seconds: 15.43 })).toBe(
      'wrote out.mp4: 8 frames, 112×64 at 8 fps, avc1.42e01f, backend wasm, model tiny-test 1, seed 7, 21.9 KiB, 15.4 s',
    );
  });

  it('size reads like a person would write it', () => {
    expect([size(512), size(2048), size(3 * 1024 * 1024)]).toEqual(['512 B', '2.0 KiB', '3.0 MiB']);
  });
});
