import { describe, expect, it } from 'vitest';
import { wasmThreadCount } from '../../../src/model/ort_wasm.ts';

describe('wasmThreadCount', () => {
  it('every core up to 4 when cross-origin isolated, else 1', () => {
    expect(wasmThreadCount(true, 2)).toBe(2);
    expect(wasmThreadCount(true, 16)).toBe(4);
    expect(wasmThreadCount(true, undefined)).toBe(1);
    expect(wasmThreadCount(false, 16)).toBe(1);
  });
});
