// Model manifests from the network: sizes that would make the store allocate absurd buffers are
// refused, and parseManifest is fuzzed over hostile values in a real manifest (the tiny model's).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_MANIFEST_FILES, MAX_MODEL_BYTES, parseManifest } from '../../../src/store/manifest.ts';
import { isEngineError } from '../../../src/worker/errors.ts';
import { applyJsonMutations, boundedParse, FUZZ_BUDGET_MS, FUZZ_TEST_TIMEOUT_MS, fuzzSettings, hostileJsonValue, jsonMutations } from '../support/fuzz.ts';

const tiny = JSON.parse(readFileSync('models/tiny-test/manifest.json', 'utf8'));
const url = 'https://example.test/m/manifest.json';
const isClear = (error: unknown) => isEngineError(error, 'model-invalid');
const sha = 'a'.repeat(64);

describe('manifests from outside', () => {
  it.each([
    ['a file larger than any model file', { ...tiny, files: [{ path: 'dit.safetensors', bytes: 2 ** 50, sha256: sha }] }, /more than the 4 GiB a model file may have/],
    ['files adding up past the limit', { ...tiny, files: Array.from({ length: 20 }, (_, i) => ({ path: `f${i}`, bytes: MAX_FILE_BYTES, sha256: sha })) }, /add up to/],
    ['more files than any model has', { ...tiny, files: Array.from({ length: MAX_MANIFEST_FILES + 1 }, (_, i) => ({ path: `f${i}`, bytes: 1, sha256: sha })) }, /files listed/],
  ])('refuses %s as model-invalid', (_, json, message) => {
    expect(() => parseManifest(json, url)).toThrow(message);
    expect(boundedParse(() => parseManifest(json, url), isClear, 0).ok).toBe(false);
  });

  it('fuzzed: a manifest within the limits, or model-invalid, quickly', () => {
    expect(parseManifest(tiny, url).files.length).toBe(tiny.files.length);
    const values = fc.oneof(hostileJsonValue, fc.constantFrom(MAX_FILE_BYTES + 1, MAX_MODEL_BYTES, 2 ** 53 - 1, -0, 'a'.repeat(64), '../../etc/passwd', 'C:\\x', '/abs'));
    fc.assert(
      fc.property(jsonMutations(tiny, values), (mutations) => {
        const json = applyJsonMutations(tiny, mutations);
        const outcome = boundedParse(() => parseManifest(json, url), isClear, 0);
        if (outcome.ok) {
          const info = outcome.value!;
          expect(info.files.length).toBeLessThanOrEqual(MAX_MANIFEST_FILES);
          expect(info.totalBytes).toBeLessThanOrEqual(MAX_MODEL_BYTES);
          for (const file of info.files) {
            expect(Number.isSafeInteger(file.bytes) && file.bytes >= 0 && file.bytes <= MAX_FILE_BYTES).toBe(true);
            expect(file.path.startsWith('/') || file.path.split('/').includes('..')).toBe(false);
          }
        }
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 2),
    );
  }, FUZZ_TEST_TIMEOUT_MS);
});
