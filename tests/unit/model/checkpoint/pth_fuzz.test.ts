// Fuzzing the .pth reader with mutations of real torch.save files: zip fields (sizes, offsets,
// counts, name and extra lengths), the pickle (its integers, lengths, and any opcode spliced in
// anywhere). Whatever the bytes, the reader gives tensors it can read within the file, or a
// WeightsFormatError; never another exception, never a hang, never a large allocation.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { PthFile, unpickleCheckpoint } from '../../../../src/model/checkpoint/pth.ts';
import { ZipArchive } from '../../../../src/model/checkpoint/zip.ts';
import { WeightsFormatError } from '../../../../src/model/weights.ts';
import { fixtureBytes } from '../../support/wan_twins.ts';
import { applyMutations, boundedParse, boundedParseAsync, byteMutations, FUZZ_BUDGET_MS, FUZZ_TEST_TIMEOUT_MS, fuzzSettings } from '../../support/fuzz.ts';

const isClear = (error: unknown) => error instanceof WeightsFormatError;

/** Offsets of the zip's length and offset fields, one group per record (what sizes allocations and reads). */
function zipStructures(zip: Uint8Array): number[][] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const groups: number[][] = [];
  for (let at = 0; at + 4 <= zip.length; at++) {
    const signature = view.getUint32(at, true);
    if (signature === 0x04034b50) groups.push([at + 18, at + 22, at + 26]); // local: sizes, name/extra lengths
    else if (signature === 0x02014b50) groups.push([at + 20, at + 24, at + 28, at + 42]); // central: sizes, name length, offset
    else if (signature === 0x06064b50) groups.push([at + 32, at + 40, at + 48]); // zip64 end: count, size, offset
    else if (signature === 0x07064b50) groups.push([at + 8]); // zip64 locator
    else if (signature === 0x06054b50) groups.push([at + 10, at + 12, at + 16]); // end: count, size, offset
  }
  return groups;
}

async function openAndRead(bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const file = await PthFile.open(new Blob([bytes]), 'fuzzed.pth');
  for (const container of [undefined, ...file.keys]) {
    let set;
    try {
      set = file.stateDict(container);
    } catch (error) {
      if (isClear(error)) continue;
      throw error;
    }
    for (const name of set.names) {
      await set.load(name, 'f32');
      await set.load(name, 'f16');
    }
  }
}

describe('.pth files from outside', () => {
  it.each(['small.pth', 'nested.pt'])('fuzzed zip bytes of %s: readable tensors or a WeightsFormatError', async (name) => {
    const seed = fixtureBytes(name);
    await fc.assert(
      fc.asyncProperty(byteMutations(seed, zipStructures(seed)), async (mutations) => {
        const bytes = applyMutations(seed, mutations);
        await boundedParseAsync(() => openAndRead(bytes), isClear, bytes.length);
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 2),
    );
  }, FUZZ_TEST_TIMEOUT_MS);

  it.each(['small.pth', 'nested.pt'])('fuzzed pickle of %s (any opcode anywhere): a value or a WeightsFormatError', async (name) => {
    const archive = await ZipArchive.open(new Blob([fixtureBytes(name)]), name);
    const pickle = await archive.read([...archive.entries.keys()].find((e) => e.endsWith('/data.pkl'))!, 1 << 20);
    const opcodeSplice = fc.record({
      kind: fc.constant('splice' as const),
      at: fc.nat({ max: pickle.length }),
      bytes: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 8 })).map(([op, args]) => Uint8Array.of(op, ...args)),
    });
    fc.assert(
      fc.property(fc.oneof(byteMutations(pickle, []), fc.array(opcodeSplice, { minLength: 1, maxLength: 3 })), (mutations) => {
        const bytes = applyMutations(pickle, mutations);
        boundedParse(() => unpickleCheckpoint(bytes, 'fuzzed data.pkl'), isClear, bytes.length);
      }),
      fuzzSettings(FUZZ_BUDGET_MS / 2),
    );
  }, FUZZ_TEST_TIMEOUT_MS);
});
