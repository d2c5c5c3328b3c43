// Safetensors read from Blobs (a picked or downloaded file): the header alone is read on opening,
// hostile headers (100 GB claimed) are refused before anything is allocated, shards are checked
// against their index, and the reader is fuzzed over byte mutations within a fixed time budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toF16Array } from '../../../../src/gpu/f16.ts';
import { openSafetensors, openShardedSafetensors } from '../../../../src/model/checkpoint/safetensors_blob.ts';
import { WeightsFormatError } from '../../../../src/model/weights.ts';
import { bytesOf, writeSafetensors } from '../../../support/safetensors_writer.ts';
import { applyMutations, boundedParseAsync, byteMutations, FUZZ_BUDGET_MS, FUZZ_TEST_TIMEOUT_MS, fuzzSettings } from '../../support/fuzz.ts';

const weights = Float32Array.from([0.5, -1, 2, 3.25, 4, 5]);
const file = writeSafetensors({
  'a.weight': { dtype: 'F32', shape: [2, 3], data: bytesOf(weights) },
  'a.bias': { dtype: 'BF16', shape: [2], data: bytesOf(Uint16Array.of(0x3f80, 0xc000)) },
  'b.weight': { dtype: 'F16', shape: [1, 2], data: bytesOf(toF16Array([0.25, 8])) },
});
const blob = (bytes: Uint8Array) => new Blob([new Uint8Array(bytes)]);

function withHeader(header: unknown, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors from Blobs', () => {
  it('reads each tensor, or a block of its rows, in f32 and f16', async () => {
    const set = await openSafetensors(blob(file), 'model.safetensors');
    expect(set.names.sort()).toEqual(['a.bias', 'a.weight', 'b.weight']);
    expect([...(await set.load('a.weight', 'f32'))]).toEqual([...weights]); // f32 read back as stored
    expect([...(await set.load('a.weight', 'f32', { first: 1, count: 1 }))]).toEqual([3.25, 4, 5]);
    expect([...(await set.load('a.bias', 'f32'))]).toEqual([1, -2]); // bf16 1 and -2 widen exactly
    expect([...(await set.load('b.weight', 'f16'))]).toEqual([...toF16Array([0.25, 8])]);
  });

  it.each([
    ['a header length of 100 GB', (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 100n * 10n ** 9n, true); return b; })(), /header length 100000000000 does not fit the file/],
    ['a tensor of 100 GB', withHeader({ t: { dtype: 'F32', shape: [25_000_000_000], data_offsets: [0, 100_000_000_000] } }, 8), /points outside the file/],
    ['a file cut short', file.subarray(0, file.length - 3), /points outside the file/],
  ])('refuses %s before allocating', async (_, bytes, message) => {
    await expect(openSafetensors(blob(bytes), 'hostile.safetensors')).rejects.toThrow(message);
  });

  it('checks shards against their index', async () => {
    const one = writeSafetensors({ x: { dtype: 'F32', shape: [1], data: bytesOf(Float32Array.of(1)) } });
    const two = writeSafetensors({ y: { dtype: 'F32', shape: [1], data: bytesOf(Float32Array.of(2)) } });
    const index = { weight_map: { x: 'm-1.safetensors', y: 'm-2.safetensors' } };
    const shards = new Map([['m-1.safetensors', blob(one)], ['m-2.safetensors', blob(two)]]);
    const set = await openShardedSafetensors(index, shards, 'm.safetensors.index.json');
    expect([...(await set.load('y', 'f32'))]).toEqual([2]);
    await expect(openShardedSafetensors(index, new Map([['m-1.safetensors', blob(one)]]), 'index')).rejects.toThrow(/shard m-2\.safetensors named by the index is missing/);
    await expect(openShardedSafetensors({ weight_map: { x: 'm-2.safetensors', y: 'm-2.safetensors' } }, shards, 'index')).rejects.toThrow(/shard m-1|index puts x in m-2\.safetensors, but it is not there/);
    await expect(openShardedSafetensors(index, new Map([['m-1.safetensors', blob(one)], ['m-2.safetensors', blob(one)]]), 'index')).rejects.toThrow(/tensor x appears in two shards/);
  });

  it('fuzzed bytes: tensors readable within the file, or a WeightsFormatError', async () => {
    const headerLength = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    await fc.assert(
      fc.asyncProperty(byteMutations(file, [[0, 4], [8 + headerLength - 4, 8 + headerLength]]), async (mutations) => {
        const bytes = applyMutations(file, mutations);
        await boundedParseAsync(async () => {
          const set = await openSafetensors(blob(bytes), 'fuzzed.safetensors');
          for (const name of set.names) await set.load(name, 'f16');
        }, (error) => error instanceof WeightsFormatError, bytes.length);
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 4),
    );
  }, FUZZ_TEST_TIMEOUT_MS);
});
