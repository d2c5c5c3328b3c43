// The .pth reader on small real torch.save files (models/wan/checkpoint_fixtures.py): every dtype
// and layout a state dict has, a nested training checkpoint, and hostile files refused by name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromF16Bits } from '../../../../src/gpu/f16.ts';
import { PthFile } from '../../../../src/model/checkpoint/pth.ts';
import { WeightsFormatError } from '../../../../src/model/weights.ts';
import { fixtureBlob, fixtureBytes } from '../../support/wan_twins.ts';
import { withZip64Entries } from '../../support/zip64.ts';
import { WAN_TWINS_DIR } from '../../support/wan_twins_setup.ts';

interface Expected {
  dtype: string;
  shape: number[];
  values: number[];
}
const expected = JSON.parse(readFileSync(join(WAN_TWINS_DIR, 'fixtures', 'small.json'), 'utf8')) as Record<string, Expected>;
const DTYPES: Record<string, string> = { 'torch.float32': 'F32', 'torch.float16': 'F16', 'torch.bfloat16': 'BF16' };

describe('PyTorch .pth reader', () => {
  it('reads every tensor of a state dict with its dtype, shape and values (views into larger storages too)', async () => {
    const set = (await PthFile.open(fixtureBlob('small.pth'), 'small.pth')).stateDict();
    expect(set.names).toEqual(Object.keys(expected));
    for (const [name, want] of Object.entries(expected)) {
      expect(set.info(name).dtype).toBe(DTYPES[want.dtype]);
      expect(set.info(name).shape).toEqual(want.shape);
      // The JSON holds each value widened to f32 exactly, so f32 reads agree to f32 precision.
      const got = await set.load(name, 'f32');
      want.values.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
      const half = await set.load(name, 'f16');
      want.values.forEach((v, i) => expect(fromF16Bits(half[i]!)).toBeCloseTo(v, 2)); // f16 keeps 11 bits
    }
  });

  it('reads a block of rows without the rest', async () => {
    const set = (await PthFile.open(fixtureBlob('small.pth'), 'small.pth')).stateDict();
    const rows = await set.load('blocks.0.weight', 'f32', { first: 1, count: 2 });
    expect(rows.length).toBe(8);
    expected['blocks.0.weight']!.values.slice(4, 12).forEach((v, i) => expect(rows[i]).toBeCloseTo(v, 6));
    await expect(set.load('blocks.0.weight', 'f32', { first: 2, count: 2 })).rejects.toThrow(/rows 2–4 are outside its 3/);
  });

  it('picks a state dict out of a training checkpoint by its key, and says which keys there are', async () => {
    const file = await PthFile.open(fixtureBlob('nested.pt'), 'nested.pt');
    expect(file.keys).toEqual(['generator_ema', 'critic']);
    const ema = file.stateDict('generator_ema');
    expect(ema.names).toEqual(['model.blocks.0.weight', 'model.blocks.0.bias', 'model.blocks.1.weight']);
    const values = await ema.load('model.blocks.1.weight', 'f32');
    expected['blocks.1.weight']!.values.forEach((v, i) => expect(values[i]).toBeCloseTo(v, 6));
    expect(() => file.stateDict('generator')).toThrow(/'generator' is not a dict of tensors \(the checkpoint holds: generator_ema, critic\)/);
    expect(() => file.stateDict()).toThrow(/holds generator_ema, which is not a tensor/);
  });

  it.each([
    ['calls_os_system.pth', /names the global posix\.system: a state dict does not use it; refused/],
    ['load_from_bytes.pth', /names the global torch\.storage\._load_from_bytes: a state dict does not use it; refused/],
    ['int64.pth', /names the global torch\.LongStorage: only float32, float16 and bfloat16 tensors are read; refused/],
    ['transposed.pth', /not contiguous \(size 4,3, stride 1,4\)/],
    ['deflated.pth', /is compressed \(method 8\); torch\.save stores entries uncompressed/],
  ])('refuses %s, naming what it tried', async (name, message) => {
    const open = async () => (await PthFile.open(fixtureBlob(name), name)).stateDict();
    await expect(open()).rejects.toThrow(WeightsFormatError);
    await expect(open()).rejects.toThrow(message);
  });

  it('refuses a checkpoint that is a list, not a dict', async () => {
    const file = await PthFile.open(fixtureBlob('list.pth'), 'list.pth');
    expect(() => file.stateDict()).toThrow(/the checkpoint is not a dict of tensors/);
  });

  it('refuses encrypted entries, a truncated file, and a storage claiming 100 GB, before reading them', async () => {
    const bytes = fixtureBytes('small.pth');
    const encrypted = new Uint8Array(bytes);
    const central = lastIndexOf(encrypted, [0x50, 0x4b, 0x01, 0x02]);
    encrypted[central + 8]! |= 1;
    await expect(PthFile.open(new Blob([encrypted]), 'encrypted.pth')).rejects.toThrow(/is encrypted/);
    await expect(PthFile.open(new Blob([bytes.subarray(0, bytes.length - 30)]), 'cut.pth')).rejects.toThrow(/zip64|not a zip file|outside/);
    // The last central entry's sizes set to 4 GB - 2 (just below zip64's marker): far more than the file has.
    const huge = new Uint8Array(bytes);
    const view = new DataView(huge.buffer);
    view.setUint32(central + 20, 0xfffffffe, true);
    view.setUint32(central + 24, 0xfffffffe, true);
    await expect(PthFile.open(new Blob([huge]), 'huge.pth')).rejects.toThrow(/claims 4294967294 bytes, past the end of the data/);
  });
});

describe('zip64 (checkpoints over 4 GiB)', () => {
  it('reads entries whose sizes and offsets are in zip64 fields', async () => {
    const set = (await PthFile.open(new Blob([withZip64Entries(fixtureBytes('small.pth'))]), 'zip64.pth')).stateDict();
    expect(set.names).toEqual(Object.keys(expected));
    const got = await set.load('view', 'f32');
    expected['view']!.values.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });

  it('refuses a storage claiming 100 GB before reading or allocating anything', async () => {
    const zip = withZip64Entries(fixtureBytes('small.pth'), { entry: 'small/data/0', size: 100n * 10n ** 9n });
    await expect(PthFile.open(new Blob([zip]), '100GB.pth')).rejects.toThrow(/entry small\/data\/0 claims 100000000000 bytes, past the end of the data/);
  });
});

function lastIndexOf(bytes: Uint8Array, pattern: number[]): number {
  for (let at = bytes.length - pattern.length; at >= 0; at--) if (pattern.every((b, i) => bytes[at + i] === b)) return at;
  throw new Error('pattern not found');
}
