import { describe, expect, it } from 'vitest';
import { fromF16Bits, toF16Array } from '../../../src/gpu/f16.ts';
import { SafetensorsFile, WeightSet, WeightsFormatError } from '../../../src/model/weights.ts';
import { bytesOf, writeSafetensors } from '../../support/safetensors_writer.ts';

const values = [0, 1, -2.5, 3.140625, 65504, -1e-3];
// bf16 of each value: the top 16 bits of its f32 pattern; widening puts them back with zeros below.
const bf16 = Uint16Array.from(new Uint32Array(Float32Array.from(values).buffer), (bits) => bits >>> 16);
const bf16Widened = Array.from(new Float32Array(Uint32Array.from(bf16, (bits) => bits << 16).buffer));

const file = writeSafetensors(
  {
    'blocks.0.self_attn.q.weight': { dtype: 'F32', shape: [2, 3], data: bytesOf(Float32Array.from(values)) },
    'blocks.0.self_attn.q.bias': { dtype: 'F16', shape: [6], data: bytesOf(toF16Array(values)) },
    'head.modulation': { dtype: 'BF16', shape: [1, 2, 3], data: bytesOf(bf16) },
  },
  { format: 'pt' },
);

describe('SafetensorsFile', () => {
  const weights = SafetensorsFile.parse(file);

  it('lists tensors with dtype and shape, and the metadata', () => {
    expect([...weights.tensors.keys()].sort()).toEqual(['blocks.0.self_attn.q.bias', 'blocks.0.self_attn.q.weight', 'head.modulation']);
    expect(weights.info('head.modulation')).toMatchObject({ dtype: 'BF16', shape: [1, 2, 3] });
    expect(weights.metadata).toEqual({ format: 'pt' });
  });

  it('loads f32, f16 and bf16 tensors as f32', () => {
    expect(Array.from(weights.f32('blocks.0.self_attn.q.weight'))).toEqual(Array.from(Float32Array.from(values)));
    expect(Array.from(weights.f32('blocks.0.self_attn.q.bias'))).toEqual(Array.from(toF16Array(values), fromF16Bits));
    expect(Array.from(weights.f32('head.modulation'))).toEqual(bf16Widened);
    expect(bf16Widened.slice(0, 4)).toEqual(values.slice(0, 4)); // these are exact in bf16
  });

  it('loads any stored dtype as f16 bits, rounding to nearest', () => {
    expect(Array.from(weights.f16('blocks.0.self_attn.q.weight'))).toEqual(Array.from(toF16Array(values)));
    expect(Array.from(weights.f16('blocks.0.self_attn.q.bias'))).toEqual(Array.from(toF16Array(values)));
  });

  it('rejects damaged files with a reason', () => {
    expect(() => SafetensorsFile.parse(file.subarray(0, 4))).toThrow(WeightsFormatError);
    expect(() => SafetensorsFile.parse(file.subarray(0, file.byteLength - 2))).toThrow(/points outside the file/);
    const wrongShape = writeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Uint8Array(8) } });
    expect(() => SafetensorsFile.parse(wrongShape)).toThrow(/holds 8 bytes for 3 F32 values/);
    const int8 = writeSafetensors({ w: { dtype: 'I8' as 'F32', shape: [1], data: new Uint8Array(1) } });
    expect(() => SafetensorsFile.parse(int8)).toThrow(/unsupported dtype I8/);
  });
});

describe('WeightSet.fromIndex (sharded weights)', () => {
  const shardA = writeSafetensors({ a: { dtype: 'F32', shape: [1], data: bytesOf(Float32Array.of(1)) } });
  const shardB = writeSafetensors({ b: { dtype: 'F32', shape: [1], data: bytesOf(Float32Array.of(2)) } });
  const shards = new Map([
    ['model-00001-of-00002.safetensors', shardA],
    ['model-00002-of-00002.safetensors', shardB],
  ]);

  it('finds each tensor in its shard', () => {
    const set = WeightSet.fromIndex({ weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }, shards);
    expect(set.names.sort()).toEqual(['a', 'b']);
    expect(Array.from(set.load('b', 'f32'))).toEqual([2]);
  });

  it('rejects an index that disagrees with its shards', () => {
    expect(() => WeightSet.fromIndex({ weight_map: { a: 'model-00002-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }, shards)).toThrow(/index puts a in/);
    expect(() => WeightSet.fromIndex({ weight_map: { a: 'missing.safetensors' } }, shards)).toThrow(/missing/);
    expect(() => new WeightSet([SafetensorsFile.parse(shardA), SafetensorsFile.parse(shardA)])).toThrow(/two shards/);
  });
});
