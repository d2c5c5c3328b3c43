import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/store/manifest.ts';
import { isEngineError } from '../../../src/worker/errors.ts';

const fixture = JSON.parse(readFileSync('tests/fixtures/model/manifest.json', 'utf8'));
const url = 'https://example.test/m/manifest.json';

function rejects(json: unknown): boolean {
  try {
    parseManifest(json, url);
    return false;
  } catch (e) {
    return isEngineError(e, 'model-invalid');
  }
}

describe('parseManifest', () => {
  it('reads a valid manifest and totals its bytes', () => {
    const info = parseManifest(fixture, url);
    expect(info.name).toBe('fixture');
    expect(info.totalBytes).toBe(300000 + 12345);
    expect(info.config).toEqual(fixture.config);
  });

  it.each([
    ['not an object', []],
    ['no files', { ...fixture, files: [] }],
    ['no config', { ...fixture, config: undefined }],
    ['a path escaping the folder', { ...fixture, files: [{ ...fixture.files[0], path: '../secrets.bin' }] }],
    ['an absolute URL', { ...fixture, files: [{ ...fixture.files[0], path: 'https://evil.test/x.bin' }] }],
    ['a short hash', { ...fixture, files: [{ ...fixture.files[0], sha256: 'abc' }] }],
    ['negative bytes', { ...fixture, files: [{ ...fixture.files[0], bytes: -1 }] }],
    ['a file listed twice', { ...fixture, files: [fixture.files[0], fixture.files[0]] }],
  ])('rejects %s', (_, json) => {
    expect(rejects(json)).toBe(true);
  });

  it('allows sub-folders inside the model folder', () => {
    expect(rejects({ ...fixture, files: [{ ...fixture.files[0], path: 'onnx/dit.onnx' }] })).toBe(false);
  });
});
