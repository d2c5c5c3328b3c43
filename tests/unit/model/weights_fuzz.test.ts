// Safetensors headers from outside (a model's files): a hostile header length, offsets and shapes
// are refused before anything is read or allocated from them, and the reader is fuzzed over byte
// mutations of real files and over hostile values in the JSON header.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toF16Array } from '../../../src/gpu/f16.ts';
import { SafetensorsFile, WeightsFormatError } from '../../../src/model/weights.ts';
import { bytesOf, writeSafetensors } from '../../support/safetensors_writer.ts';
import {
  applyJsonMutations, applyMutations, boundedParse, byteMutations, FUZZ_BUDGET_MS, FUZZ_TEST_TIMEOUT_MS, fuzzSettings, jsonMutations,
} from '../support/fuzz.ts';

const synthetic = writeSafetensors(
  {
    'blocks.0.weight': { dtype: 'F32', shape: [2, 3], data: bytesOf(Float32Array.from([0, 1, 2, 3, 4, 5])) },
    'blocks.0.bias': { dtype: 'F16', shape: [4], data: bytesOf(toF16Array([1, 2, 3, 4])) },
    'head.modulation': { dtype: 'BF16', shape: [1, 2], data: bytesOf(Uint16Array.of(0x3f80, 0x4000)) },
  },
  { format: 'pt' },
);
const vae = new Uint8Array(readFileSync('models/tiny-test/vae.safetensors'));

const isClear = (error: unknown) => error instanceof WeightsFormatError;

/** Parses and reads every tensor both ways: whatever is accepted must be readable within the file. */
function parseAndRead(bytes: Uint8Array): SafetensorsFile {
  const file = SafetensorsFile.parse(bytes, 'fuzzed.safetensors');
  for (const [name, info] of file.tensors) {
    expect(info.end).toBeLessThanOrEqual(bytes.length);
    file.f32(name);
    file.f16(name);
  }
  return file;
}

function headerOf(bytes: Uint8Array): { header: unknown; data: Uint8Array } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))), data: bytes.subarray(8 + length) };
}

function withHeader(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header) ?? 'null');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors headers from outside', () => {
  it.each([
    ['a header that is JSON null', withHeader(null, new Uint8Array(0)), /not a JSON object/],
    ['offsets that are strings', withHeader({ t: { dtype: 'F32', shape: [1], data_offsets: ['0', '4'] } }, new Uint8Array(4)), /no data_offsets/],
    ['offsets past 2^53', withHeader({ t: { dtype: 'F32', shape: [1], data_offsets: [2 ** 60, 2 ** 60 + 4] } }, new Uint8Array(4)), /no data_offsets|outside/],
    ['a shape whose size overflows', withHeader({ t: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, new Uint8Array(4)), /bytes for/],
    ['metadata that is not strings', withHeader({ __metadata__: { a: { b: 1 } } }, new Uint8Array(0)), /__metadata__/],
  ])('refuses %s with a WeightsFormatError', (_, bytes, message) => {
    expect(() => SafetensorsFile.parse(bytes)).toThrow(WeightsFormatError);
    expect(() => SafetensorsFile.parse(bytes)).toThrow(message);
  });

  it.each([['a synthetic file', synthetic], ['the tiny model\'s vae.safetensors', vae]])('fuzzed bytes of %s: tensors readable within the file, or a WeightsFormatError', (_, seed) => {
    const headerLength = Number(new DataView(seed.buffer, seed.byteOffset).getBigUint64(0, true));
    const structures = [[0, 4], [8 + headerLength - 4, 8 + headerLength]];
    fc.assert(
      fc.property(byteMutations(seed, structures), (mutations) => {
        const bytes = applyMutations(seed, mutations);
        boundedParse(() => parseAndRead(bytes), isClear, bytes.length);
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 4),
    );
  }, FUZZ_TEST_TIMEOUT_MS);

  it.each([['a synthetic file', synthetic], ['the tiny model\'s vae.safetensors', vae]])('fuzzed header values of %s: tensors readable within the file, or a WeightsFormatError', (_, seed) => {
    const { header, data } = headerOf(seed);
    fc.assert(
      fc.property(jsonMutations(header), (mutations) => {
        const bytes = withHeader(applyJsonMutations(header, mutations), data);
        boundedParse(() => parseAndRead(bytes), isClear, bytes.length);
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 4),
    );
  }, FUZZ_TEST_TIMEOUT_MS);

  it('describes a dtype that is no string without calling into it (fuzzer counterexample: an object whose toString is not a function)', () => {
    const header = JSON.parse(new TextDecoder().decode(synthetic.subarray(8, 8 + Number(new DataView(synthetic.buffer).getBigUint64(0, true))))) as Record<string, { dtype: unknown }>;
    header['blocks.0.weight']!.dtype = [{ toString: 0 }];
    const text = new TextEncoder().encode(JSON.stringify(header));
    const bytes = new Uint8Array(8 + text.length + 64);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
    bytes.set(text, 8);
    expect(() => SafetensorsFile.parse(bytes, 'hostile.safetensors')).toThrow(/unsupported dtype \[\{"toString":0\}\]/);
  });
});
