// The command line's output file, on the real file system: refused before any work when it cannot
// be written (whoever runs the tests: root may write anywhere access() is asked about), and kept
// in a fallback folder when writing fails at the end.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args.mjs';
import { checkOutput, saveClip } from '../../../src/cli/output_file.mjs';

const dir = mkdtempSync(join(tmpdir(), 'zoetrope-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(output: string): string {
  try {
    checkOutput(output);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${output} was accepted`);
}

describe('checkOutput', () => {
  it('accepts a new file in a folder, and an existing file, leaving nothing behind and the file as it was', () => {
    expect(checkOutput(join(dir, 'new.mp4'))).toBe(join(dir, 'new.mp4'));
    writeFileSync(join(dir, 'old.mp4'), 'old');
    expect(checkOutput(join(dir, 'old.mp4'))).toBe(join(dir, 'old.mp4'));
    expect(readFileSync(join(dir, 'old.mp4'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['old.mp4']); // the write check's file is gone
  });

  it('refuses a folder, a missing folder, a file used as a folder, and a folder that takes no files', () => {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'plain.txt'), 'x');
    expect(refusal(join(dir, 'sub'))).toBe(`--output ${join(dir, 'sub')} is a folder; give a file name such as clip.mp4.`);
    expect(refusal(`${join(dir, 'not-yet')}/`)).toMatch(/is a folder/);
    expect(refusal(join(dir, 'missing', 'clip.mp4'))).toBe(`Cannot write ${join(dir, 'missing', 'clip.mp4')}: the folder ${join(dir, 'missing')} does not exist.`);
    expect(refusal(join(dir, 'plain.txt', 'clip.mp4'))).toBe(`Cannot write ${join(dir, 'plain.txt', 'clip.mp4')}: ${join(dir, 'plain.txt')} is not a folder.`);
    // /proc takes no new files, for root too (access(W_OK) says yes to root there).
    expect(refusal('/proc/clip.mp4')).toMatch(/^Cannot write \/proc\/clip\.mp4: /);
  });
});

describe('saveClip', () => {
  const bytes = new Uint8Array([0, 0, 0, 8, 0x66, 0x74, 0x79, 0x70]);

  it('writes the output when it can', () => {
    expect(saveClip(join(dir, 'ok.mp4'), bytes)).toEqual({ path: join(dir, 'ok.mp4'), failure: null });
    expect(new Uint8Array(readFileSync(join(dir, 'ok.mp4')))).toEqual(bytes);
  });

  it('keeps the clip in the fallback folder, named after the output, when the output\'s folder is gone', () => {
    const gone = join(dir, 'gone');
    const fallback = mkdtempSync(join(tmpdir(), 'zoetrope-fallback-'));
    try {
      const saved = saveClip(join(gone, 'clip.mp4'), bytes, fallback);
      expect(saved.failure).toMatch(/its folder is gone/);
      expect(saved.path.startsWith(join(fallback, 'zoetrope-kept-'))).toBe(true);
      expect(saved.path.endsWith('-clip.mp4')).toBe(true);
      expect(new Uint8Array(readFileSync(saved.path))).toEqual(bytes);
    } finally {
      rmSync(fallback, { recursive: true, force: true });
    }
  });

  it('says the clip is lost only when the fallback cannot be written either', () => {
    expect(() => saveClip(join(dir, 'gone', 'clip.mp4'), bytes, join(dir, 'no-such-folder'))).toThrow(/nor keep the clip at .* the clip is lost/);
  });
});
